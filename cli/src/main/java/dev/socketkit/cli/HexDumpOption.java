package dev.socketkit.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** {@code --hexdump}: for every command that moves bytes (serve, send, relay), a mixin with one home for its wording. */
final class HexDumpOption {
    @Option(
            names = "--hexdump",
            description = "Log every chunk read and written, and every datagram, as a hex dump on stderr (socat's -x):"
                    + " a header line with the direction ('read'/'wrote'), the local end, an arrow and the remote"
                    + " end, then the bytes in hex and as text. stdout is unchanged.")
    boolean hexDump;

    /**
     * {@return where dumps go, when --hexdump was given: straight to stderr, one dump per call, not through the log
     * format} A dump is many lines; written as one print under the stream's lock, two connections' dumps never mix.
     */
    Optional<Consumer<String>> sink() {
        if (!hexDump) {
            return Optional.empty();
        }
        PrintStream err = System.err;
        return Optional.of(dump -> {
            synchronized (err) {
                err.println(dump);
                err.flush();
            }
        });
    }
}
