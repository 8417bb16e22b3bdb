package dev.socketkit.codec;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} with the local and remote addresses of a real connection, which an embedded one lacks:
 * for the PROXY header a client writes from them, and the address a server falls back to. Registered, and so active,
 * once the addresses are set. Public for the server module's tests.
 */
public final class ConnectedChannel extends EmbeddedChannel {
    private SocketAddress local;
    private SocketAddress remote;

    private ConnectedChannel() {
        super(false, false, new ChannelHandler[0]); // registered in of(), once the addresses are set
    }

    /**
     * A connection from {@code local} to {@code remote} whose pipeline holds {@code handlers}, active.
     *
     * @param local the connection's own address
     * @param remote its peer's
     * @param handlers the pipeline, added as the channel registers
     * @return the channel
     */
    public static ConnectedChannel of(SocketAddress local, SocketAddress remote, ChannelHandler... handlers) {
        ConnectedChannel channel = new ConnectedChannel();
        channel.local = local;
        channel.remote = remote;
        channel.pipeline().addLast(handlers);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return channel;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }
}
