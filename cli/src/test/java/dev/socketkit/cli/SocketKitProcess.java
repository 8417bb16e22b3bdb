package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/** The real {@code java -jar socketkit.jar ARGS} as a child process, its stdout and stderr captured line by line. */
final class SocketKitProcess implements AutoCloseable {
    // The exit statuses --help documents, spelled out here so that a changed ExitCodes fails the tests.
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_TIMED_OUT = 3;

    // Generous: a JVM starts in about half a second, but a busy two-core build machine can take several.
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final Lines stdout;
    private final Lines stderr;

    private SocketKitProcess(String name, Process process, Path stdoutFile, Path stderrFile) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdout = new Lines(stdoutFile, process, "socketkit-stdout-" + process.pid());
        this.stderr = new Lines(stderrFile, process, "socketkit-stderr-" + process.pid());
    }

    /**
     * Starts {@code builder} with stdout and stderr going to files that {@link Lines} follows. Not pipes: when a child
     * exits, the JDK drains and closes its pipes under any thread still reading them, so the lines a process writes
     * just before it exits (serve's totals on SIGTERM) could be lost.
     */
    private static SocketKitProcess start(ProcessBuilder builder) throws IOException {
        return start("socketkit", builder);
    }

    private static SocketKitProcess start(String name, ProcessBuilder builder) throws IOException {
        Path stdoutFile = Files.createTempFile("socketkit-stdout-", ".txt");
        Path stderrFile = Files.createTempFile("socketkit-stderr-", ".txt");
        stdoutFile.toFile().deleteOnExit();
        stderrFile.toFile().deleteOnExit();
        builder.redirectOutput(stdoutFile.toFile()).redirectError(stderrFile.toFile());
        return new SocketKitProcess(name, builder.start(), stdoutFile, stderrFile);
    }

    /**
     * A launcher prefix that runs the JVM under {@code prlimit}, soft and hard open-file limits both {@code openFiles};
     * the test is skipped, with the reason, where there is no {@code prlimit}.
     */
    static List<String> prlimit(int openFiles) throws IOException, InterruptedException {
        Process probe;
        try {
            probe = new ProcessBuilder("prlimit", "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException missing) {
            probe = null;
        }
        Assumptions.assumeTrue(
                probe != null && probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0, "no prlimit here");
        return List.of("prlimit", "--nofile=" + openFiles + ":" + openFiles, "--");
    }

    /** Starts {@code socketkit ARGS}. */
    static SocketKitProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Starts {@code socketkit ARGS} through {@code launcher} (such as {@code setpriv ...}), when it is not empty. */
    static SocketKitProcess start(List<String> launcher, String... args) throws IOException {
        return start(launcher, List.of(), args);
    }

    /** Starts {@code socketkit ARGS} in a JVM given {@code jvmOptions} (such as {@code -Dname=value}). */
    static SocketKitProcess startWithJvmOptions(List<String> jvmOptions, String... args) throws IOException {
        return start(List.of(), jvmOptions, args);
    }

    /** Starts {@code socketkit ARGS} reading its stdin from {@code stdin}. */
    static SocketKitProcess startWithStdin(Path stdin, String... args) throws IOException {
        return start(List.of(), List.of(), stdin, args);
    }

    /** Starts {@code socketkit ARGS} through {@code launcher} in a JVM given {@code jvmOptions}; either may be empty. */
    static SocketKitProcess start(List<String> launcher, List<String> jvmOptions, String... args) throws IOException {
        return start(launcher, jvmOptions, null, args);
    }

    /**
     * Starts {@code socketkit ARGS} with its stdin a pipe that stays open until {@link #closeStdin()}, for input that
     * comes a piece at a time.
     */
    static SocketKitProcess startWithOpenStdin(String... args) throws IOException {
        return start(builder(List.of(), List.of(), args));
    }

    private static SocketKitProcess start(List<String> launcher, List<String> jvmOptions, Path stdin, String... args)
            throws IOException {
        ProcessBuilder builder = builder(launcher, jvmOptions, args);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        SocketKitProcess started = start(builder);
        started.stdin.close();
        return started;
    }

    /**
     * The process builder for {@code socketkit ARGS} in a JVM given {@code jvmOptions}, for a test that handles the
     * streams itself (binary output to a file, or output deliberately not read).
     */
    static ProcessBuilder builder(List<String> launcher, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(launcher);
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // A JVM announces these on stderr ("Picked up ..."), which would break every one-line check.
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        return builder;
    }

    /**
     * Starts another program, such as a TLS peer ({@code openssl s_client}), with its output captured the same way and
     * its stdin a pipe that stays open until {@link #closeStdin()}.
     */
    static SocketKitProcess startProgram(List<String> command) throws IOException {
        return start(Path.of(command.get(0)).getFileName().toString(), new ProcessBuilder(command));
    }

    /** Whether {@code program} is on the PATH as an executable, for tests that need a peer we did not write. */
    static boolean installed(String program) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code text} in UTF-8 to the process's stdin, and flushes it. */
    void writeStdin(String text) throws IOException {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Closes the process's stdin: its end of input. */
    void closeStdin() throws IOException {
        stdin.close();
    }

    /** Waits for a stdout line that {@code matches}, and returns it; fails if none comes within {@code timeout}. */
    String awaitStdoutLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        return awaitLine(stdout, "stdout", matches, timeout);
    }

    /** The java launcher of the JVM running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The jar under test, which Failsafe names in the {@code socketkit.jar} system property. */
    static Path jar() {
        String jar = System.getProperty("socketkit.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property socketkit.jar must name the built jar (run 'mvn verify' "
                    + "in cli, which sets it), not " + jar);
        }
        return Path.of(jar);
    }

    /** {@return the process id: the JVM's, since the launcher execs it} */
    long pid() {
        return process.pid();
    }

    /**
     * Waits for the first stdout line, checks that it is {@code listening ENDPOINT}, and returns the endpoint.
     *
     * @throws AssertionError if the line differs, or the process prints nothing or exits first
     */
    String awaitListening(Duration timeout) throws InterruptedException {
        Optional<String> first = stdout.await(line -> true, timeout);
        if (first.isEmpty()) {
            fail("no stdout line within " + timeout + "; " + this);
        }
        String line = first.get();
        assertTrue(line.startsWith("listening "), () -> "first stdout line is not 'listening ...'; " + this);
        return line.substring("listening ".length());
    }

    /** Waits for a stderr line that {@code matches}, and returns it; fails if none comes within {@code timeout}. */
    String awaitStderrLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        return awaitLine(stderr, "stderr", matches, timeout);
    }

    private String awaitLine(Lines lines, String name, Predicate<String> matches, Duration timeout)
            throws InterruptedException {
        return lines.await(matches, timeout)
                .orElseGet(() -> fail("no such " + name + " line within " + timeout + "; " + this));
    }

    /** Sends SIGTERM ({@link Process#destroy()} does so on Linux). */
    void sigterm() {
        process.destroy();
    }

    /** Sends SIGINT, as Ctrl-C does, with {@code kill -INT PID}. */
    void sigint() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        try {
            assertTrue(kill.waitFor(5, TimeUnit.SECONDS), "kill -INT did not finish");
            assertEquals(0, kill.exitValue(), "kill -INT " + process.pid() + " failed");
        } finally {
            kill.destroyForcibly();
        }
    }

    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        boolean exited = process.waitFor(timeout, unit);
        if (exited) {
            awaitOutputEnd();
        }
        return exited;
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Waits for the process to exit and its output to be read, and returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertTrue(
                waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS),
                () -> "still running after " + timeout + "; " + this);
        return process.exitValue();
    }

    /**
     * Waits for the exit, then checks the error contract: exit {@code status}, nothing on stdout, exactly one stderr line
     * starting {@code socketkit: } and containing every one of {@code phrases}, and no stack trace. Returns that line.
     */
    String assertRefused(int status, String... phrases) throws InterruptedException {
        assertEquals(status, awaitExit(EXIT_TIMEOUT), () -> "exit status; " + this);
        assertEquals(List.of(), stdout(), () -> "stdout; " + this);
        List<String> errors = stderr();
        assertEquals(1, errors.size(), () -> "stderr must be exactly one line; " + this);
        String line = errors.get(0);
        assertTrue(line.startsWith("socketkit: "), () -> "stderr line must start with 'socketkit: '; " + this);
        for (String phrase : phrases) {
            assertTrue(line.contains(phrase), () -> "stderr line must contain '" + phrase + "'; " + this);
        }
        assertFalse(line.contains("Exception") || line.contains("\tat "), () -> "stack trace text; " + this);
        return line;
    }

    /** The stdout lines so far; all of them once the process has exited. */
    List<String> stdout() {
        return stdout.snapshot();
    }

    /** The stderr lines so far; all of them once the process has exited. */
    List<String> stderr() {
        return stderr.snapshot();
    }

    private void awaitOutputEnd() throws InterruptedException {
        stdout.awaitEnd(Duration.ofSeconds(5));
        stderr.awaitEnd(Duration.ofSeconds(5));
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            awaitOutputEnd();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        String state = process.isAlive() ? "still running" : "exit status " + process.exitValue();
        return name + " pid " + process.pid() + ", " + state + ", stdout " + stdout.snapshot() + ", stderr "
                + stderr.snapshot();
    }

    /**
     * The lines of one output stream, which the child writes to a file: a thread of its own follows the file, waiting
     * briefly at its end while the process runs, and reads what is left once it has exited.
     */
    private static final class Lines {
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private boolean ended;

        Lines(Path file, Process process, String name) {
            reader = new Thread(() -> follow(file, process), name);
            reader.setDaemon(true);
            reader.start();
        }

        private void follow(Path file, Process process) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            try (InputStream in = Files.newInputStream(file)) {
                while (true) {
                    boolean exited = !process.isAlive(); // before the read: what an exited process wrote is all there
                    int count = in.read(chunk);
                    if (count > 0) {
                        for (int i = 0; i < count; i++) {
                            if (chunk[i] == '\n') {
                                add(line.toString(StandardCharsets.UTF_8));
                                line.reset();
                            } else {
                                line.write(chunk[i]);
                            }
                        }
                    } else if (exited) {
                        break;
                    } else {
                        Thread.sleep(5);
                    }
                }
                if (line.size() > 0) {
                    add(line.toString(StandardCharsets.UTF_8));
                }
            } catch (IOException | InterruptedException unreadable) {
                // Nothing more can be read; what was read stays.
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        private synchronized void add(String line) {
            lines.add(line);
            notifyAll();
        }

        synchronized List<String> snapshot() {
            return List.copyOf(lines);
        }

        /** The first line that {@code matches}; empty if the stream ends or {@code timeout} passes first. */
        synchronized Optional<String> await(Predicate<String> matches, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            int next = 0;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (matches.test(lines.get(next))) {
                        return Optional.of(lines.get(next));
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        void awaitEnd(Duration timeout) throws InterruptedException {
            reader.join(timeout.toMillis());
        }
    }
}
