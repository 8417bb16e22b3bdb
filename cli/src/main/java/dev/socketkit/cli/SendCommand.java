package dev.socketkit.cli;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.client.ClientException.Reason;
import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.Sizes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code socketkit send [ENDPOINT] [MESSAGE...]}: sends messages, or streams stdin, and prints what comes back.
 *
 * <p>stdout carries exactly the bytes received (raw framing) or one frame per line (framed modes); everything else
 * goes to stderr.
 */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send messages to a server and print what comes back; without messages, stream stdin to the socket and the"
                    + " socket to stdout, as netcat does.",
            "",
            "Stream sockets: after the last message (or stdin's end) the write side is shut down, and replies are read"
                    + " until the server closes. Datagram sockets: one datagram per message (per stdin line), one reply"
                    + " awaited per datagram.",
            "The first argument is the ENDPOINT if it is one (tcp://, udp://, unix:, unixgram: or HOST:PORT);"
                    + " otherwise every argument is a message for tcp://127.0.0.1:8090.",
            ""
        },
        footer = ExitCodes.HELP)
final class SendCommand implements Callable<Integer> {
    @Parameters(paramLabel = "[ENDPOINT] MESSAGE", arity = "0..*", description = "Where to send, then the messages.")
    List<String> arguments = new ArrayList<>();

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "How long to wait for a connection or for the next data (e.g. 500ms, 2s; default: 5s).",
            defaultValue = "5s")
    String timeout = "5s";

    @Option(
            names = "--no-half-close",
            description = "Do not shut down the write side after the last message: for servers that misbehave on "
                    + "EOF. Reads until the server closes, --replies frames arrived, or --timeout passes idle.")
    boolean noHalfClose;

    @Option(
            names = "--replies",
            paramLabel = "N",
            description = "How many frames (datagrams) to expect; fewer is exit 3 (datagram default: one per message).")
    Integer replies;

    @Option(
            names = "--buffer-size",
            paramLabel = "BYTES",
            description = "The most bytes one read returns, as recv(BYTES) (default: automatic).")
    String bufferSize;

    @Mixin
    FramingOptions framing;

    @Mixin
    TransportOptions transport;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws IOException {
        logging.applyForShortCommand();
        Logger log = LogManager.getLogger(SendCommand.class);
        List<String> messages = new ArrayList<>(arguments);
        Endpoint endpoint = !messages.isEmpty() && looksLikeEndpoint(messages.get(0))
                ? Options.endpoint(messages.remove(0))
                : Endpoint.DEFAULT;
        Duration wait = Options.duration("--timeout", timeout);
        ClientConfig config = ClientConfig.defaults()
                .withEndpoint(endpoint)
                .withFraming(framing.framing())
                .withIo(transport.io())
                .withConnectTimeout(wait)
                .withReadTimeout(wait);
        if (bufferSize != null) {
            config = config.withBufferSize(Options.size("--buffer-size", bufferSize, 1, Sizes.MAX_READ_BUFFER));
        }
        for (var setting : transport.socketOptions()) {
            config = config.withSocketOption(setting);
        }
        if (replies != null) {
            Options.count("--replies", replies, 0, Integer.MAX_VALUE);
        }
        try {
            config.validate();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        boolean datagram = endpoint.kind().isDatagram();
        if (datagram && noHalfClose) {
            throw new UsageException("--no-half-close applies to stream sockets, not "
                    + endpoint.kind().scheme());
        }

        PrintStream out = System.out;
        boolean framed = config.framing().kind() != Framing.Kind.RAW;
        try (Client client = Client.connect(config)) {
            log.debug("connected to {} via {}", endpoint, client.transport().id());
            boolean fromStdin = messages.isEmpty();
            int expected = -1;
            if (fromStdin && !datagram) {
                streamStdin(client, !noHalfClose, log);
            } else {
                List<byte[]> payloads = fromStdin ? Lines.of(System.in) : utf8(messages);
                for (byte[] payload : payloads) {
                    client.send(payload);
                }
                if (datagram) {
                    expected = payloads.size();
                } else if (!noHalfClose) {
                    client.shutdownOutput();
                }
            }
            if (replies != null) {
                expected = replies;
            }
            int received = 0;
            while (expected < 0 || received < expected) {
                byte[] frame;
                try {
                    frame = client.receive(wait);
                } catch (ClientException e) {
                    if (e.reason() == Reason.CLOSED && expected < 0) {
                        break;
                    }
                    if (e.reason() == Reason.TIMED_OUT && noHalfClose && expected < 0) {
                        break; // idle for the timeout: the documented end of a --no-half-close exchange
                    }
                    if (e.reason() == Reason.CLOSED || e.reason() == Reason.TIMED_OUT) {
                        throw new ClientException(
                                Reason.TIMED_OUT,
                                (e.reason() == Reason.CLOSED ? endpoint + " closed" : "no reply within " + timeout)
                                        + " after " + received + " of " + expected + " expected replies",
                                e);
                    }
                    throw e;
                }
                write(out, frame, framed || datagram);
                received++;
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** Streams stdin to a stream socket as it comes, byte-exact; shuts down the write side at stdin's end. */
    private static void streamStdin(Client client, boolean halfClose, Logger log) {
        Thread pump = new Thread(
                () -> {
                    try (InputStream in = System.in) {
                        byte[] chunk = new byte[64 * 1024];
                        int n;
                        while ((n = in.read(chunk)) > 0) {
                            client.send(Arrays.copyOf(chunk, n));
                        }
                        if (halfClose) {
                            client.shutdownOutput();
                        }
                    } catch (IOException | ClientException e) {
                        log.debug("stdin: {}", e.toString());
                    }
                },
                "socketkit-stdin");
        pump.setDaemon(true);
        pump.start();
    }

    private static List<byte[]> utf8(List<String> messages) {
        List<byte[]> payloads = new ArrayList<>();
        for (String message : messages) {
            payloads.add(message.getBytes(StandardCharsets.UTF_8));
        }
        return payloads;
    }

    private static void write(OutputStream out, byte[] frame, boolean oneFramePerLine) {
        try {
            out.write(frame);
            if (oneFramePerLine && (frame.length == 0 || frame[frame.length - 1] != '\n')) {
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new ClientException(Reason.IO, "cannot write to stdout: " + e.getMessage(), e);
        }
    }

    /** Whether the first argument names an endpoint rather than being a message. */
    static boolean looksLikeEndpoint(String text) {
        if (text.contains("://") || text.startsWith("unix:") || text.startsWith("unixgram:")) {
            return true;
        }
        return text.matches("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):[0-9]{1,5}");
    }

    /** Splits stdin into lines without their terminators, for one datagram per line. */
    private static final class Lines {
        static List<byte[]> of(InputStream in) throws IOException {
            List<byte[]> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n", -1)) {
                lines.add(line.getBytes(StandardCharsets.UTF_8));
            }
            if (!lines.isEmpty() && lines.get(lines.size() - 1).length == 0) {
                lines.remove(lines.size() - 1);
            }
            return lines;
        }

        private Lines() {}
    }
}
