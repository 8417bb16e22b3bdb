package dev.socketkit.cli;

import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketSetting;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --io} and {@code --sockopt}, shared by every command that opens sockets. */
final class TransportOptions {
    @Option(
            names = "--io",
            paramLabel = "TRANSPORT",
            description = "The I/O transport: auto, nio, epoll, kqueue or io_uring (default: auto, the best this "
                    + "machine has: epoll, then io_uring, then kqueue, else nio).",
            defaultValue = "auto")
    String io = "auto";

    @Option(
            names = "--sockopt",
            paramLabel = "NAME=VALUE",
            description = "Set a socket option (repeatable): SO_REUSEADDR, SO_REUSEPORT, SO_RCVBUF, SO_SNDBUF, "
                    + "TCP_NODELAY, SO_KEEPALIVE, SO_LINGER, IP_TOS, SO_BROADCAST.")
    List<String> sockopts = new ArrayList<>();

    Io io() {
        try {
            return Io.parse(io);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--io: " + e.getMessage());
        }
    }

    List<SocketSetting> socketOptions() {
        List<SocketSetting> settings = new ArrayList<>();
        for (String text : sockopts) {
            try {
                settings.add(SocketSetting.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--sockopt: " + e.getMessage());
            }
        }
        return settings;
    }
}
