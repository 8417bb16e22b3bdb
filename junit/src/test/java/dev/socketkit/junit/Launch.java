package dev.socketkit.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a test class inside a test, with the real JUnit engine, and tells how it went: the way to see what the
 * extension does around a class (closing its servers after it) and how a misused annotation fails.
 *
 * <p>The classes it runs are static nested classes of the tests, which Surefire does not run on its own ({@code
 * **}{@code /*$*} is excluded by default).
 */
final class Launch {
    private Launch() {}

    /**
     * How the engine closes the values of extension stores when their context ends. JUnit 5.10 to 5.12 close only
     * {@code Store.CloseableResource} values; 5.13 and later close every {@code AutoCloseable} too, unless the
     * configuration parameter says not to, which makes a current JUnit close as the older ones do.
     */
    enum StoreClosing {
        /** JUnit 5.13 and later, by default. */
        AUTO_CLOSEABLE(true),
        /** JUnit 5.10 to 5.12 (such as Spring Boot 3.5's 5.12): an {@code AutoCloseable} alone stays open. */
        CLOSEABLE_RESOURCE_ONLY(false);

        private final boolean autoCloseable;

        StoreClosing(boolean autoCloseable) {
            this.autoCloseable = autoCloseable;
        }
    }

    /** Runs every test of {@code testClass} and returns the summary. */
    static TestExecutionSummary run(Class<?> testClass) {
        return run(testClass, StoreClosing.AUTO_CLOSEABLE);
    }

    private static TestExecutionSummary run(Class<?> testClass, StoreClosing closing) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(testClass))
                        .configurationParameter(
                                "junit.jupiter.extensions.store.close.autocloseable.enabled",
                                Boolean.toString(closing.autoCloseable))
                        .build(),
                listener);
        return listener.getSummary();
    }

    /** Runs {@code testClass} and checks that all its tests, {@code tests} of them, passed; says why not otherwise. */
    static void runPassing(Class<?> testClass, int tests) {
        runPassing(testClass, tests, StoreClosing.AUTO_CLOSEABLE);
    }

    /** {@link #runPassing(Class, int)} on an engine that closes store values as {@code closing} says. */
    static void runPassing(Class<?> testClass, int tests, StoreClosing closing) {
        TestExecutionSummary summary = run(testClass, closing);
        if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() != tests) {
            StringWriter report = new StringWriter();
            summary.printTo(new PrintWriter(report));
            summary.printFailuresTo(new PrintWriter(report), 20);
            throw new AssertionError(testClass.getSimpleName() + " should pass " + tests + " tests with " + closing
                    + " closing:\n" + report);
        }
    }

    /** Runs {@code testClass}, whose tests or class must fail, and returns every failure's messages, causes included. */
    static List<String> failures(Class<?> testClass) {
        return run(testClass).getFailures().stream()
                .map(failure -> messages(failure.getException()))
                .collect(Collectors.toList());
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            all.append(cause.getClass().getSimpleName())
                    .append(": ")
                    .append(cause.getMessage())
                    .append('\n');
        }
        return all.toString();
    }
}
