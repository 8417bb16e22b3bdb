package dev.socketkit.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The archive as a user gets it: {@code socketkit-VERSION.tar.gz} unpacked by {@code tar} (and the zip, unpacked by
 * {@code unzip}, holding the same files), run through a chain of symlinks from another directory, with JAVA_HOME unset
 * and a PATH that holds only java, sh and the few tools {@code bin/socketkit} calls: no Maven, nothing of the build.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ArchiveIT {
    private static final String VERSION = property("socketkit.version");
    private static final String BASE = "socketkit-" + VERSION;
    private static final Path ARCHIVES = Path.of(property("socketkit.archives"));
    private static final Path CLI_TARGET = Path.of(property("socketkit.cli.target"));
    /** What {@code bin/socketkit} runs besides java; {@code ls} only where there is no readlink. */
    private static final List<String> TOOLS = List.of("sh", "readlink", "cksum", "mkdir", "mv", "rm");
    /** Generous: a first run also makes the class-data archive, seconds on a busy two-core machine. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The unprivileged user a read-only copy is run as when the tests run as root, for whom nothing is read-only. */
    private static final int NOBODY = 65534;

    private static Path work;
    /** The tar.gz's and the zip's files as unpacked, before anything ran: path → mode and SHA-256. */
    private static Map<String, String> tarFiles;

    private static Map<String, String> zipFiles;
    /** {@code socketkit-VERSION/} as the tar.gz unpacks it. */
    private static Path home;
    /** A symlink to a symlink (relative) to {@code bin/socketkit}, in a directory of its own, as on a user's PATH. */
    private static Path launcher;
    /** A PATH directory: symlinks to java and to {@link #TOOLS}. */
    private static Path tools;

    @BeforeAll
    static void unpack() throws Exception {
        // Not @TempDir: JUnit makes it mode 700, and the read-only copy is run by another user when root runs this.
        work = Files.createTempDirectory("socketkit-archive-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tar = Files.createDirectory(work.resolve("tar"));
        exec(List.of("tar", "-xzf", archive("tar.gz").toString(), "-C", tar.toString()));
        tarFiles = files(tar);
        if (onPath("unzip")) {
            Path zip = Files.createDirectory(work.resolve("zip"));
            exec(List.of("unzip", "-q", archive("zip").toString(), "-d", zip.toString()));
            zipFiles = files(zip);
        }
        home = tar.resolve(BASE);

        tools = toolsDirectory(work.resolve("tools"), true, TOOLS);
        Path links = Files.createDirectories(work.resolve("elsewhere/bin"));
        Path relative = Files.createDirectories(work.resolve("elsewhere/opt"));
        Files.createSymbolicLink(relative.resolve("socketkit"), home.resolve("bin/socketkit"));
        launcher = Files.createSymbolicLink(links.resolve("socketkit"), Path.of("../opt/socketkit"));
    }

    @AfterAll
    static void removeWork() throws IOException {
        if (work != null) {
            exec(List.of("chmod", "-R", "u+w", work.toString()));
            exec(List.of("rm", "-rf", work.toString()));
        }
    }

    @Test
    void theTarAndTheZipHoldTheSameFilesWithTheSameModes() {
        assumeTrue(zipFiles != null, "no unzip on PATH to unpack the zip with (.ci/run installs it)");
        assertEquals(tarFiles, zipFiles);
        assertTrue(tarFiles.keySet().stream().allMatch(name -> name.startsWith(BASE + "/")), tarFiles::toString);
        for (String file : List.of(
                "bin/socketkit", "lib/socketkit.jar", "LICENSE", "README.md", "CHANGELOG.md", "docs/measurements.md")) {
            assertTrue(tarFiles.containsKey(BASE + "/" + file), () -> "no " + file + " in " + tarFiles.keySet());
        }
        assertTrue(tarFiles.get(BASE + "/bin/socketkit").startsWith("rwxr-xr-x "), tarFiles::toString);
        assertTrue(tarFiles.get(BASE + "/LICENSE").startsWith("rw-r--r-- "), tarFiles::toString);
    }

    @Test
    void libHoldsExactlyTheJarsTheCliRunsWith() throws IOException {
        Set<String> expected = names(CLI_TARGET.resolve("lib"));
        expected.add("socketkit-cli-" + VERSION + ".jar");
        expected.add("socketkit.jar"); // the manifest-only jar bin/socketkit runs
        assertEquals(expected, filesUnder("lib/"));
    }

    @Test
    void manPagesAndCompletionScriptsAreTheCliBuildsWhereItMadeThem() throws IOException {
        for (String dir : List.of("man", "completion")) {
            Path made = CLI_TARGET.resolve(dir);
            Set<String> expected = Files.isDirectory(made) ? names(made) : new TreeSet<>();
            if (dir.equals("man")) {
                expected.removeIf(name -> !name.endsWith(".1"));
            }
            String under = dir.equals("man") ? "man/man1/" : dir + "/";
            assertEquals(expected, filesUnder(under), under + " as the CLI's build made it in " + made);
        }
    }

    @Test
    void helpThroughSymlinksWithOnlyJavaAndShellToolsOnPath() throws Exception {
        Result help = run(environment(tools), launcher, "--help");
        assertEquals(0, help.exit(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: socketkit "), help::toString);
        assertEquals("", help.stderr(), "nothing on stderr: no tool missing, no JVM warning");
    }

    @Test
    void servesSendsAndBenchesThenStopsOnSigterm() throws Exception {
        Map<String, String> environment = environment(tools);
        Path serveOut = work.resolve("serve.out");
        ProcessBuilder builder = command(environment, launcher, "serve", "echo", "tcp://127.0.0.1:0")
                .redirectOutput(serveOut.toFile())
                .redirectError(work.resolve("serve.err").toFile());
        Process serve = builder.start();
        try {
            String listening = awaitFirstLine(serveOut, serve);
            assertTrue(listening.startsWith("listening tcp://127.0.0.1:"), listening);
            String endpoint = listening.substring("listening ".length());

            // The launcher's heap for a short command holds all that a send allocates: no collection pauses it.
            Path collections = work.resolve("send-gc.log");
            Map<String, String> logged = new TreeMap<>(environment);
            logged.put("SOCKETKIT_JAVA_OPTS", "-Xlog:gc:file=" + collections);
            Result send = run(logged, launcher, "send", endpoint, "hello from the archive");
            assertEquals(0, send.exit(), send::toString);
            assertEquals("hello from the archive", send.stdout(), send::toString);
            String gc = read(collections);
            assertTrue(gc.contains("Using Serial"), gc);
            assertFalse(gc.contains("Pause"), gc);

            Result bench = run(environment, launcher, "bench", endpoint, "--duration", "1s", "--warmup", "0", "--json");
            assertEquals(0, bench.exit(), bench::toString);
            assertTrue(number(bench.stdout(), "ops") > 0, bench::toString);
            assertEquals(0, number(bench.stdout(), "errors"), bench::toString);

            serve.destroy(); // SIGTERM: it reaches the JVM only if the launcher exec'd it
            assertTrue(serve.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "serve did not stop on SIGTERM");
            assertEquals(0, serve.exitValue(), () -> "serve's stderr: " + read(work.resolve("serve.err")));
        } finally {
            serve.destroyForcibly();
        }
    }

    /**
     * On Java 22 and newer the JVM warns, in four lines on stderr, when a class-path library loads native code, as
     * Netty does for epoll in every command; the launcher grants the class path native access there, so stderr holds
     * only socketkit's own line.
     */
    @Test
    void aJava22OrNewerPrintsNoNativeAccessWarnings() throws Exception {
        Map<String, String> environment = environmentWithJavaFrom(22);
        Result refused = run(environment, launcher, "send", "tcp://127.0.0.1:1", "x");
        assertEquals(1, refused.exit(), refused::toString);
        assertEquals("socketkit: connection refused: tcp://127.0.0.1:1\n", refused.stderr(), refused::toString);
    }

    /**
     * On Java 25 and newer the launcher makes an AOT cache ({@code -XX:AOTCacheOutput}) where it makes a class-data
     * archive on older Javas, beside lib/ as the archive goes, and later runs start from it: the CLI's classes come
     * from it, and stderr holds nothing of the JVM's.
     */
    @Test
    void aJava25OrNewerMakesAnAotCacheAndStartsFromIt() throws Exception {
        Map<String, String> environment = environmentWithJavaFrom(25);
        Result first = run(environment, launcher, "--version");
        assertEquals(0, first.exit(), first::toString);
        assertEquals("", first.stderr(), first::toString);
        Set<String> caches = names(home.resolve("lib"));
        caches.removeIf(name -> !name.endsWith(".aot"));
        assertEquals(1, caches.size(), () -> "one AOT cache in lib/, not " + caches);

        Path classes = work.resolve("classes-25.log");
        environment.put("SOCKETKIT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        Result refused = run(environment, launcher, "send", "tcp://127.0.0.1:1", "x");
        assertEquals(1, refused.exit(), refused::toString);
        assertEquals("socketkit: connection refused: tcp://127.0.0.1:1\n", refused.stderr(), refused::toString);
        assertTrue(
                read(classes).contains("dev.socketkit.cli.Main source: shared objects file"),
                "the CLI's classes come from the AOT cache");
    }

    /** The launcher's environment, {@code JAVA_HOME} the newest Java at or above {@code major}; skips without one. */
    private static Map<String, String> environmentWithJavaFrom(int major) throws IOException {
        Path jdk = newestJdkFrom(major);
        assumeTrue(jdk != null, "no Java " + major + " or newer under /usr/lib/jvm");
        Map<String, String> environment = environment(tools);
        environment.put("JAVA_HOME", jdk.toString());
        return environment;
    }

    /** The JDK under /usr/lib/jvm whose release file names the highest Java at or above {@code major}, or null. */
    private static Path newestJdkFrom(int major) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        Path newest = null;
        int best = major - 1;
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : (Iterable<Path>) homes::iterator) {
                Path release = home.resolve("release");
                if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
                    continue;
                }
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=")) {
                        String version =
                                line.substring("JAVA_VERSION=".length()).replace("\"", "");
                        int found = Integer.parseInt(version.split("[^0-9]", 2)[0]);
                        if (found > best) {
                            best = found;
                            newest = home;
                        }
                    }
                }
            }
        }
        return newest;
    }

    @Test
    void followsItsSymlinksWithLsWhereThereIsNoReadlink() throws Exception {
        List<String> names = new ArrayList<>(TOOLS);
        names.set(names.indexOf("readlink"), "ls");
        Result help =
                run(environment(toolsDirectory(work.resolve("tools-no-readlink"), true, names)), launcher, "--help");
        assertEquals(0, help.exit(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: socketkit "), help::toString);
        assertEquals("", help.stderr());
    }

    @Test
    void makesAClassDataArchiveBesideLibAndStartsFromIt() throws Exception {
        Map<String, String> environment = environment(tools);
        assertEquals(0, run(environment, launcher, "--version").exit());
        Set<String> archives = archives(home.resolve("lib"));
        assertEquals(1, archives.size(), archives::toString);

        Path classes = work.resolve("classes.log");
        environment.put("SOCKETKIT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        Result version = run(environment, launcher, "--version");
        assertEquals(0, version.exit(), version::toString);
        assertTrue(
                read(classes).contains("dev.socketkit.cli.Main source: shared objects file (top)"),
                "the CLI's classes come from the class-data archive, so it was made with the class path it runs");
        assertEquals(archives, archives(home.resolve("lib")), "the archive is made once");
    }

    /**
     * The run that makes the class-data archive also unpacks Netty's epoll library into a directory beside it, and
     * later runs load it from there, as the JVM's library log says: Netty tries {@code java.library.path} before its
     * jar, and only when that fails copies the library out of the jar to a temporary file, which it loads.
     */
    @Test
    void loadsTheEpollLibraryItUnpackedBesideTheArchive() throws Exception {
        assumeTrue(
                System.getProperty("os.name").equals("Linux")
                        && List.of("amd64", "aarch64", "riscv64").contains(System.getProperty("os.arch")),
                "Netty builds its epoll library for Linux on x86_64, aarch64 and riscv64 only");
        Map<String, String> environment = environment(tools);
        assertEquals(0, run(environment, launcher, "--version").exit());
        Set<String> unpacked = names(home.resolve("lib"));
        unpacked.removeIf(name -> !name.endsWith(".lib"));
        assertEquals(1, unpacked.size(), () -> "one library directory beside the archive: " + unpacked);
        Path natives = home.resolve("lib").resolve(unpacked.iterator().next());
        Set<String> libraries = names(natives);
        assertEquals(1, libraries.size(), libraries::toString);
        String library = libraries.iterator().next();
        assertTrue(library.matches("libnetty_transport_native_epoll_\\w+\\.so"), library);

        Path log = work.resolve("libraries.log");
        environment.put("SOCKETKIT_JAVA_OPTS", "-Xlog:library=info:file=" + log);
        // Port 1 refuses at once, once epoll (asked for: no fallback to NIO) has loaded and connected.
        Result send = run(environment, launcher, "send", "--io", "epoll", "tcp://127.0.0.1:1", "x");
        assertEquals(1, send.exit(), send::toString);
        assertEquals("socketkit: connection refused: tcp://127.0.0.1:1\n", send.stderr(), send::toString);
        List<String> loaded = read(log)
                .lines()
                .filter(line -> line.contains("Loaded library ") && line.contains("netty"))
                .toList();
        assertEquals(1, loaded.size(), loaded::toString);
        assertTrue(
                loaded.get(0).contains("Loaded library " + natives.toRealPath().resolve(library) + ","),
                () -> "not the unpacked library: " + loaded.get(0));
    }

    @Test
    void refusesAJavaOlderThan17InOneLine() throws Exception {
        // A JAVA_HOME whose release file says 11, and whose java would not say: the launcher reads the file and starts
        // no JVM to ask.
        Path java11 = fakeJava(work.resolve("jdk-11"), null);
        Files.writeString(work.resolve("jdk-11/release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.2\"\n");
        Map<String, String> environment = environment(tools);
        environment.put("JAVA_HOME", work.resolve("jdk-11").toString());
        assertRefused(run(environment, launcher, "--help"), "Java 17 or newer is needed; " + java11 + " is 11");

        // A java on PATH with no release file beside it: the launcher asks it for -version.
        Path path = toolsDirectory(work.resolve("tools-java-8"), false, TOOLS);
        Path java8 = fakeJava(path, "1.8.0_402");
        assertRefused(run(environment(path), launcher, "--help"), "Java 17 or newer is needed; " + java8 + " is 8");
    }

    @Test
    void runsAJava17ThatOnlyItsVersionOutputNames() throws Exception {
        Path path = toolsDirectory(work.resolve("tools-java-17"), false, TOOLS);
        fakeJava(path, "17.0.1");
        Result run = run(environment(path), launcher, "--version");
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.stdout().startsWith("fake java ran with"), run::toString);
        Path jar = home.resolve("lib/socketkit.jar").toRealPath();
        assertTrue(run.stdout().strip().endsWith("-jar " + jar + " --version"), run::toString);
    }

    @Test
    void noJavaAtAllIsOneLine() throws Exception {
        Path path = toolsDirectory(work.resolve("tools-no-java"), false, TOOLS);
        assertRefused(
                run(environment(path), launcher, "--help"),
                "no java on PATH, and JAVA_HOME is not set: socketkit needs Java 17 or newer");

        Path empty = Files.createDirectories(work.resolve("not-a-jdk"));
        Map<String, String> environment = environment(tools);
        environment.put("JAVA_HOME", empty.toString());
        assertRefused(
                run(environment, launcher, "--help"),
                "JAVA_HOME is " + empty + ", which holds no bin/java; set it to a Java 17 or newer, or unset it");
    }

    @Test
    void aReadOnlyCopyRunsAndKeepsItsClassDataArchiveInTheUsersCache() throws Exception {
        List<String> as = List.of();
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
            // Root may write anywhere, read-only or not: a user who may not is needed.
            as = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
            assumeTrue(onPath("setpriv"), "these tests run as root, and there is no setpriv to run as uid " + NOBODY);
        }
        Path copy = Files.createDirectory(work.resolve("read-only"));
        exec(List.of("tar", "-xzf", archive("tar.gz").toString(), "-C", copy.toString()));
        exec(List.of("chmod", "-R", "a-w", copy.toString()));
        Path link =
                Files.createSymbolicLink(work.resolve("read-only-socketkit"), copy.resolve(BASE + "/bin/socketkit"));
        Path cacheHome = Files.createDirectory(work.resolve("cache"));
        if (!as.isEmpty()) {
            Files.setAttribute(cacheHome, "unix:uid", NOBODY);
        }

        // No cache either (HOME names nothing, XDG_CACHE_HOME unset): it runs without an archive.
        Map<String, String> environment = environment(tools);
        environment.put("HOME", work.resolve("no-such-home").toString());
        Result help = run(as, environment, link, "--help");
        assertEquals(0, help.exit(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: socketkit "), help::toString);
        assertEquals("", help.stderr(), "no warning for an archive that could not be made or found");

        environment.put("XDG_CACHE_HOME", cacheHome.toString());
        help = run(as, environment, link, "--help");
        assertEquals(0, help.exit(), help::toString);
        assertEquals("", help.stderr());
        assertEquals(1, archives(cacheHome.resolve("socketkit")).size(), "an archive in XDG_CACHE_HOME/socketkit/");
        assertEquals(Set.of(), archives(copy.resolve(BASE + "/lib")));
    }

    private static void assertRefused(Result run, String message) {
        assertEquals(1, run.exit(), run::toString);
        assertEquals("", run.stdout(), run::toString);
        assertEquals("socketkit: " + message + "\n", run.stderr());
    }

    /**
     * A {@code java} that says it is {@code version} when asked with {@code -version}, as a real one does on stderr
     * (unless {@code version} is null), and otherwise prints what it was asked to run: it never starts a JVM.
     */
    private static Path fakeJava(Path dir, String version) throws IOException {
        Path java = dir.resolve(dir.getFileName().toString().startsWith("jdk") ? "bin/java" : "java");
        Files.createDirectories(java.getParent());
        String answer = version == null
                ? ""
                : "if [ \"$1\" = -version ]; then\n"
                        + "  echo 'openjdk version \"" + version + "\" 2024-01-16' >&2\n"
                        + "  echo 'OpenJDK Runtime Environment (build " + version + ")' >&2\n"
                        + "  exit 0\n"
                        + "fi\n";
        Files.writeString(java, "#!/bin/sh\n" + answer + "echo \"fake java ran with $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    /** A directory of symlinks to {@code names} as this machine's PATH finds them, and to this JVM's java. */
    private static Path toolsDirectory(Path dir, boolean withJava, List<String> names) throws IOException {
        Files.createDirectories(dir);
        for (String tool : names) {
            Path found = find(tool);
            assumeTrue(found != null, () -> "no " + tool + " on PATH");
            Files.createSymbolicLink(dir.resolve(tool), found);
        }
        if (withJava) {
            Files.createSymbolicLink(dir.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        return dir;
    }

    /** The environment of a user with nothing but {@code path} on PATH: no JAVA_HOME, no JVM options, a HOME. */
    private static Map<String, String> environment(Path path) throws IOException {
        Map<String, String> environment = new TreeMap<>();
        environment.put("PATH", path.toString());
        environment.put("HOME", Files.createDirectories(work.resolve("home")).toString());
        return environment;
    }

    private static ProcessBuilder command(Map<String, String> environment, Path program, String... args) {
        return command(List.of(), environment, program, args);
    }

    private static ProcessBuilder command(
            List<String> as, Map<String, String> environment, Path program, String... args) {
        List<String> command = new ArrayList<>(as);
        command.add(program.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder;
    }

    private static Result run(Map<String, String> environment, Path program, String... args) throws Exception {
        return run(List.of(), environment, program, args);
    }

    /** Runs {@code program ARGS} to its end, stdin empty, and returns its exit status, stdout and stderr. */
    private static Result run(List<String> as, Map<String, String> environment, Path program, String... args)
            throws Exception {
        Path out = Files.createTempFile(work, "stdout-", ".txt");
        Path err = Files.createTempFile(work, "stderr-", ".txt");
        Process process = command(as, environment, program, args)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertTrue(
                    process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS),
                    () -> program + " " + List.of(args) + " did not finish within " + WAIT);
            return new Result(process.exitValue(), read(out), read(err));
        } finally {
            process.destroyForcibly();
        }
    }

    /** The first line {@code process} writes to {@code file}; fails if it exits first or takes longer than WAIT. */
    private static String awaitFirstLine(Path file, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = read(file);
            if (text.contains("\n")) {
                return text.substring(0, text.indexOf('\n'));
            }
            if (!process.isAlive()) {
                fail("exited with " + process.exitValue() + " before its first line: " + text);
            }
            Thread.sleep(20);
        }
        return fail("no line within " + WAIT);
    }

    private static long number(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertTrue(matcher.find(), () -> "no " + field + " in " + json);
        return Long.parseLong(matcher.group(1));
    }

    /** Every regular file under {@code root}, by its path relative to it: its mode and the SHA-256 of its bytes. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : paths.filter(Files::isRegularFile).toList()) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                files.put(root.relativize(file).toString(), PosixFilePermissions.toString(mode) + " " + sha256(file));
            }
        }
        return files;
    }

    /** The names of the archive's files directly under {@code dir} of {@code socketkit-VERSION/}. */
    private static Set<String> filesUnder(String dir) {
        String prefix = BASE + "/" + dir;
        return tarFiles.keySet().stream()
                .filter(name -> name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0)
                .map(name -> name.substring(prefix.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        Set<String> archives = names(dir);
        archives.removeIf(name -> !name.endsWith(".jsa"));
        return archives;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path archive(String extension) {
        Path archive = ARCHIVES.resolve(BASE + "." + extension);
        assertTrue(Files.isRegularFile(archive), () -> "no " + archive + ": run mvn verify in dist, which builds it");
        return archive;
    }

    private static boolean onPath(String program) {
        return find(program) != null;
    }

    private static Path find(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Runs a helper command (tar, unzip, chmod) and fails the test if it fails. */
    private static void exec(List<String> command) throws IOException {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> command + " did not finish");
            assertEquals(0, process.exitValue(), () -> command + ": " + output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is unset: run this test with mvn verify");
        }
        return value;
    }

    /** A finished run of the launcher. */
    private record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout: " + stdout + ", stderr: " + stderr;
        }
    }
}
