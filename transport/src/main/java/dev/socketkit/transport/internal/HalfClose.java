package dev.socketkit.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * Shuts down a stream connection's write side as its peer expects: over TLS, the close_notify first (a TLS peer reads a
 * bare FIN as a truncation, not as the end of the data), then the FIN. For anything that forwards an end of input:
 * {@code serve print --reply-stdin}, the relay.
 */
public final class HalfClose {
    private HalfClose() {}

    /**
     * Sends the close_notify (if the pipeline has an {@link SslHandler}) and then shuts down {@code channel}'s output.
     * Call on the channel's event loop.
     *
     * @param channel a stream connection
     * @return a promise completed once the write side is shut down (failed if it could not be)
     * @throws IllegalArgumentException if {@code channel} cannot half-close (a datagram socket)
     */
    public static ChannelPromise shutdownOutput(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex)) {
            throw new IllegalArgumentException(channel + " cannot half-close");
        }
        ChannelPromise done = channel.newPromise();
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            duplex.shutdownOutput(done);
            return done;
        }
        tls.closeOutbound().addListener(sent -> {
            if (channel.isActive()) {
                duplex.shutdownOutput(done);
            } else {
                done.trySuccess();
            }
        });
        return done;
    }
}
