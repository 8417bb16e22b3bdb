package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Python's socket module as a peer we did not write: for what the JDK's sockets cannot do (send an empty datagram). */
final class Python {
    private Python() {}

    /** Runs a Python script with {@code args}; skips the test without python3; returns its output, stripped. */
    static String run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(args));
        Process python;
        try {
            python = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException noPython) {
            assumeTrue(false, "python3 is needed for this peer");
            throw noPython;
        }
        try {
            assertTrue(python.waitFor(30, TimeUnit.SECONDS), "python3 did not finish");
            return new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } finally {
            python.destroyForcibly();
        }
    }
}
