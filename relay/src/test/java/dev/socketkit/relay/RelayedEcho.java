package dev.socketkit.relay;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;

/** socketkit's echo server behind a relay with faults: what a fault test's client talks to. */
final class RelayedEcho implements AutoCloseable {
    final Faults faults;
    private final Server echo;
    private final Relay relay;

    RelayedEcho(long seed, Fault... faults) {
        this(Endpoint.tcp("127.0.0.1", 0), seed, faults);
    }

    RelayedEcho(Endpoint listen, long seed, Fault... faults) {
        echo = Server.start(ServerConfig.defaults()
                .withKind(ServerKind.ECHO)
                .withEndpoint(
                        listen.kind().isDatagram() ? Endpoint.udp("127.0.0.1", 0) : Endpoint.tcp("127.0.0.1", 0)));
        try {
            relay = Relay.start(
                    RelayConfig.of(listen, echo.endpoint()).withFaults(faults).withSeed(seed));
        } catch (RuntimeException e) {
            echo.close();
            throw e;
        }
        this.faults = relay.faults();
    }

    Relay relay() {
        return relay;
    }

    int port() {
        return relay.endpoint().port();
    }

    @Override
    public void close() {
        relay.close();
        echo.close();
    }
}
