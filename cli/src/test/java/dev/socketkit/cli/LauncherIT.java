package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code ./socketkit} launcher script: its JVM defaults (serial collector, an initial heap of 16 MB or, for short
 * commands, 32 MB) give way to the user's {@code SOCKETKIT_JAVA_OPTS}, which would otherwise stop the JVM from starting
 * ("multiple garbage collectors selected", "initial heap size larger than the maximum"); and it runs through a symlink
 * placed elsewhere.
 */
class LauncherIT {
    @ParameterizedTest
    @ValueSource(strings = {"", "-XX:+UseG1GC", "-XX:+UseParallelGC -Xmx64m", "-Xmx8m", "-Xms32m"})
    void startsWithTheUsersJvmOptions(String options) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "--version");
        builder.environment().put("SOCKETKIT_JAVA_OPTS", options);
        printsItsVersion(builder, "SOCKETKIT_JAVA_OPTS='" + options + "'");
    }

    @Test
    void runsThroughASymlinkOnPathFromAnotherDirectory(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("socketkit"), launcher().toAbsolutePath());
        // Through sh, which looks the command up on the PATH given here (ProcessBuilder would use this JVM's PATH).
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "socketkit --version").directory(dir.toFile());
        builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        // A launcher that took the link's directory for the source tree would run Maven there, and fail.
        printsItsVersion(builder, "through " + bin.resolve("socketkit"));
    }

    /** Runs {@code builder}, a {@code socketkit --version}, and checks that it prints the version and exits 0. */
    private static void printsItsVersion(ProcessBuilder builder, String how) throws Exception {
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String stdout = readAll(process.getInputStream());
        // Generous: the first run after a build also makes the class-data archive.
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
        assertEquals(0, process.exitValue(), () -> how + ": " + stderr.join());
        assertTrue(stdout.startsWith("socketkit "), () -> how + ": stdout: " + stdout);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path launcher() {
        Path launcher = Path.of(System.getProperty("socketkit.launcher", "../socketkit"));
        assertTrue(Files.isExecutable(launcher), () -> "no executable launcher at " + launcher.toAbsolutePath());
        return launcher;
    }
}
