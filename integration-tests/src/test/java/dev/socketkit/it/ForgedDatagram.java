package dev.socketkit.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Sends a UDP datagram to 127.0.0.1 with a source port of the test's choosing, as an attacker who forges the source
 * does: through a raw socket, which needs root (CAP_NET_RAW). The JVM has no raw sockets, so Python's do it; a test
 * that needs one is skipped, with the reason, where either is missing. Loopback only.
 */
final class ForgedDatagram {
    private static final String SCRIPT = String.join(
            "\n",
            "import socket, struct, sys",
            "source, target, data = int(sys.argv[1]), int(sys.argv[2]), bytes.fromhex(sys.argv[3])",
            "raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)",
            "# The kernel writes the IP header (source 127.0.0.1); checksum 0 means none, which IPv4 allows.",
            "raw.sendto(struct.pack('!HHHH', source, target, 8 + len(data), 0) + data, ('127.0.0.1', 0))");

    private ForgedDatagram() {}

    /** Skips the test unless this process may open raw sockets and python3 runs. */
    static void assumeCanForge() throws Exception {
        assumeTrue(
                (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
                "forging a source address needs a raw socket, so root");
        assumeTrue(run(1, 1, new byte[0], true), "python3 is needed to send a forged datagram");
    }

    /** Sends {@code data} to {@code 127.0.0.1:targetPort} as if from {@code 127.0.0.1:sourcePort}. */
    static void send(int sourcePort, int targetPort, byte[] data) throws Exception {
        if (!run(sourcePort, targetPort, data, false)) {
            throw new IOException("python3 could not send the forged datagram");
        }
    }

    private static boolean run(int source, int target, byte[] data, boolean probe) throws Exception {
        String code =
                probe ? "import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)" : SCRIPT;
        Process python;
        try {
            python = new ProcessBuilder(
                            "python3",
                            "-c",
                            code,
                            String.valueOf(source),
                            String.valueOf(target),
                            HexFormat.of().formatHex(data))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException noPython) {
            return false;
        }
        try {
            return python.waitFor(10, TimeUnit.SECONDS) && python.exitValue() == 0;
        } finally {
            python.destroyForcibly();
        }
    }
}
