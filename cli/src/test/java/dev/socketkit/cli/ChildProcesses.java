package dev.socketkit.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes one test starts (socketkit and its peers), each killed, if still running, when the test ends: a
 * {@code @RegisterExtension} field.
 */
final class ChildProcesses implements AfterEachCallback, AutoCloseable {
    private final List<SocketKitProcess> started = new ArrayList<>();

    /** Starts {@code socketkit ARGS}. */
    SocketKitProcess socketkit(String... args) throws Exception {
        return keep(SocketKitProcess.start(args));
    }

    /** Runs {@code socketkit ARGS} to its end, and returns it exited. */
    SocketKitProcess run(String... args) throws Exception {
        SocketKitProcess done = socketkit(args);
        done.awaitExit(SocketKitProcess.EXIT_TIMEOUT);
        return done;
    }

    /** Starts another program, its stdin open; the test is skipped, saying so, if the program is not installed. */
    SocketKitProcess program(String... command) throws Exception {
        assumeTrue(SocketKitProcess.installed(command[0]), command[0] + " is not installed (.ci/run installs it)");
        return keep(SocketKitProcess.startProgram(List.of(command)));
    }

    /** Takes {@code process}, started elsewhere, to kill with the others. */
    SocketKitProcess keep(SocketKitProcess process) {
        started.add(process);
        return process;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        started.forEach(SocketKitProcess::close);
        started.clear();
    }
}
