package dev.socketkit.server;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What a server does with what it reads: the three servers of the Python socket tutorial. */
public enum ServerKind {
    /** Sends back exactly the frames it reads (the {@code SocketServer} echo server). */
    ECHO,
    /**
     * Greets each connection, then answers every frame with a prefix and the frame; closes when the peer stops sending
     * (the threaded welcome server). Datagram sockets have no connection, so no greeting.
     */
    WELCOME,
    /** Reads one frame, answers a fixed text and closes (the one-shot server); answers every datagram with the text. */
    REPLY;

    /** {@return the lower-case name, as {@code socketkit serve} takes it} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * This kind's handlers for {@code config}'s texts, on the same {@link HandlerFactory} API a custom server uses:
     * one shared handler where it keeps no state, one per connection where it does.
     */
    HandlerFactory handlerFactory(ServerConfig config) {
        byte[] prefix = config.dataPrefix().getBytes(StandardCharsets.UTF_8);
        byte[] reply = config.replyText().getBytes(StandardCharsets.UTF_8);
        if (config.endpoint().kind().isDatagram()) {
            DatagramResponder responder = new DatagramResponder(this, prefix, reply);
            return () -> responder;
        }
        return switch (this) {
            case ECHO -> () -> EchoHandler.INSTANCE;
            case WELCOME -> {
                WelcomeHandler welcome = new WelcomeHandler(config.greeting().getBytes(StandardCharsets.UTF_8), prefix);
                yield () -> welcome;
            }
            case REPLY -> () -> new ReplyHandler(reply);
        };
    }
}
