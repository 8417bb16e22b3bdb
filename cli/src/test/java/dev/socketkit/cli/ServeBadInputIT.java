package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code socketkit serve} refuses bad input and failed binds with its exit status and one line on stderr. */
@Timeout(60)
class ServeBadInputIT {
    /** Replaced by a fresh temporary directory in the arguments of {@link #badInputs()}. */
    private static final String DIR = "{dir}";

    private static final int UNPRIVILEGED = 65534;
    private static final int PRIVILEGED_PORT = 1023;

    static Stream<Arguments> badInputs() {
        String longPath = DIR + "/" + "a".repeat(120) + ".sock";
        return Stream.of(
                bad("bad URI scheme", EXIT_USAGE, List.of("http://x:1"), "echo", "http://x:1"),
                bad("port out of range", EXIT_USAGE, List.of("70000"), "echo", "tcp://127.0.0.1:70000"),
                bad("unknown kind", EXIT_USAGE, List.of("foo"), "foo", "tcp://127.0.0.1:0"),
                bad(
                        "negative backlog",
                        EXIT_USAGE,
                        List.of("--backlog", "-1"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--backlog",
                        "-1"),
                bad(
                        "zero buffer size",
                        EXIT_USAGE,
                        List.of("--buffer-size", "0 is out of range"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--buffer-size",
                        "0"),
                bad(
                        "non-numeric buffer size",
                        EXIT_USAGE,
                        List.of("--buffer-size", "abc"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--buffer-size",
                        "abc"),
                bad(
                        "unixgram on io_uring",
                        EXIT_USAGE,
                        List.of("io_uring", "unixgram", "epoll"),
                        "echo",
                        "unixgram://" + DIR + "/x.sock",
                        "--io",
                        "io_uring"),
                bad("unix path too long", EXIT_USAGE, List.of("107", "a".repeat(120)), "echo", "unix://" + longPath),
                bad("unknown option", EXIT_USAGE, List.of("--bogus"), "echo", "tcp://127.0.0.1:0", "--bogus"),
                bad(
                        "backlog on udp",
                        EXIT_USAGE,
                        List.of("--backlog", "udp"),
                        "echo",
                        "udp://127.0.0.1:0",
                        "--backlog",
                        "5"),
                bad(
                        "framing on udp",
                        EXIT_USAGE,
                        List.of("line", "udp"),
                        "echo",
                        "udp://127.0.0.1:0",
                        "--framing",
                        "line"),
                bad(
                        "unknown socket option",
                        EXIT_USAGE,
                        List.of("FOO"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--sockopt",
                        "FOO=1"),
                bad(
                        "socket flag that is not a flag",
                        EXIT_USAGE,
                        List.of("TCP_NODELAY", "maybe"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--sockopt",
                        "TCP_NODELAY=maybe"),
                bad(
                        "negative idle timeout",
                        EXIT_USAGE,
                        List.of("--idle-timeout", "'-5s' is not a duration", "0 or none"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--idle-timeout",
                        "-5s"),
                bad(
                        "negative drain delay",
                        EXIT_USAGE,
                        List.of("--drain-delay", "'-1s' is not a duration", "0 for none"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--drain-delay",
                        "-1s"),
                bad(
                        "unparsable drain timeout",
                        EXIT_USAGE,
                        List.of("--drain-timeout", "'soon' is not a duration"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--drain-timeout",
                        "soon"),
                bad(
                        "unparsable write timeout",
                        EXIT_USAGE,
                        List.of("--write-timeout", "'soon' is not a duration"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--write-timeout",
                        "soon"),
                bad(
                        "frame timeout without frames",
                        EXIT_USAGE,
                        List.of("--frame-timeout", "raw"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--frame-timeout",
                        "5s"),
                bad(
                        "zero connections",
                        EXIT_USAGE,
                        List.of("--max-connections", "0 is out of range", "1-10000000"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--max-connections",
                        "0"),
                bad(
                        "idle timeout on udp",
                        EXIT_USAGE,
                        List.of("--idle-timeout", "stream sockets", "udp"),
                        "echo",
                        "udp://127.0.0.1:0",
                        "--idle-timeout",
                        "1m"),
                bad(
                        "udp rate on tcp",
                        EXIT_USAGE,
                        List.of("--udp-rate", "datagram sockets", "tcp"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--udp-rate",
                        "10"),
                bad(
                        "negative udp rate",
                        EXIT_USAGE,
                        List.of("--udp-rate", "-1 is negative", "0-1000000000"),
                        "echo",
                        "udp://127.0.0.1:0",
                        "--udp-rate",
                        "-1"),
                bad(
                        "unix mode not octal",
                        EXIT_USAGE,
                        List.of("--unix-mode", "'8' is not an octal mode"),
                        "echo",
                        "unix://" + DIR + "/m.sock",
                        "--unix-mode",
                        "8"),
                bad(
                        "unix mode above 0777",
                        EXIT_USAGE,
                        List.of("--unix-mode", "above 0777"),
                        "echo",
                        "unix://" + DIR + "/m.sock",
                        "--unix-mode",
                        "4755"),
                bad(
                        "unix mode on tcp",
                        EXIT_USAGE,
                        List.of("--unix-mode", "unix and unixgram", "tcp"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--unix-mode",
                        "600"),
                bad(
                        "events on print's stdout",
                        EXIT_USAGE,
                        List.of("--events -", "serve print", "a file"),
                        "print",
                        "tcp://127.0.0.1:0",
                        "--events",
                        "-"),
                bad(
                        "events file in a missing directory",
                        EXIT_USAGE,
                        List.of("--events ", "/missing/events.log: cannot open it"),
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--events",
                        DIR + "/missing/events.log"),
                bad(
                        "events file named empty",
                        EXIT_USAGE,
                        List.of("--events '' names no file", "- for stdout"),
                        "echo",
                        "udp://127.0.0.1:0",
                        "--events",
                        ""),
                bad(
                        "missing directory",
                        EXIT_FAILURE,
                        List.of("directory /nonexistent-dir-xyz does not exist"),
                        "echo",
                        "unix:///nonexistent-dir-xyz/s.sock"));
    }

    private static Arguments bad(String what, int status, List<String> phrases, String... serveArgs) {
        return Arguments.of(what, status, phrases, List.of(serveArgs));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void isRefusedWithOneLineOnStderr(
            String what, int status, List<String> phrases, List<String> serveArgs, @TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve"));
        serveArgs.forEach(arg -> args.add(arg.replace(DIR, dir.toString())));

        try (SocketKitProcess socketkit = SocketKitProcess.start(args.toArray(String[]::new))) {
            socketkit.assertRefused(status, phrases.toArray(String[]::new));
        }
    }

    @Test
    void addressInUseIsARuntimeFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                SocketKitProcess socketkit =
                        SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:" + taken.getLocalPort())) {
            socketkit.assertRefused(EXIT_FAILURE, "address already in use: tcp://127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void portBelow1024IsPermissionDeniedForAnUnprivilegedUser() throws Exception {
        Path unprivilegedStart = Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start");
        assumeTrue(Files.isReadable(unprivilegedStart), "no " + unprivilegedStart + " (not Linux?)");
        // Not Files.readString: a sysctl file reports size 0, and a read at an offset past 0 returns end of file, so
        // readString gets only the first byte ("1" of "1024"). readAllLines reads through one large buffer.
        int firstUnprivileged = Integer.parseInt(Files.readAllLines(unprivilegedStart, StandardCharsets.US_ASCII)
                .get(0)
                .strip());
        assumeTrue(
                firstUnprivileged > PRIVILEGED_PORT,
                "net.ipv4.ip_unprivileged_port_start is " + firstUnprivileged + ", so anyone may bind port "
                        + PRIVILEGED_PORT);

        List<String> launcher = List.of();
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
            launcher = List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED, "--clear-groups");
            assumeTrue(
                    canRead(launcher),
                    "these tests run as root, and uid " + UNPRIVILEGED + " cannot run setpriv or read "
                            + SocketKitProcess.jar() + " and its lib/ (e.g. a build under /root)");
        }

        try (SocketKitProcess socketkit =
                SocketKitProcess.start(launcher, "serve", "echo", "tcp://127.0.0.1:" + PRIVILEGED_PORT)) {
            socketkit.assertRefused(EXIT_FAILURE, "permission denied", "tcp://127.0.0.1:" + PRIVILEGED_PORT, "1024");
        }
    }

    /** Whether {@code launcher} works here and its user can read java, the jar and every jar in its lib/. */
    private static boolean canRead(List<String> launcher) throws InterruptedException {
        Path jar = SocketKitProcess.jar();
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("sh", "-c", "for f in \"$@\"; do [ -r \"$f\" ] || exit 1; done", "sh"));
        command.addAll(List.of(SocketKitProcess.java(), jar.toString()));
        Path lib = jar.resolveSibling("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                jars.map(Path::toString).forEach(command::add);
            } catch (IOException unlistable) {
                return false;
            }
        }
        Process probe;
        try {
            probe = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException noSetpriv) {
            return false;
        }
        try {
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } finally {
            probe.destroyForcibly();
        }
    }
}
