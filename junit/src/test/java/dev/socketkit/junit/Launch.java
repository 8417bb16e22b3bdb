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

    /** Runs every test of {@code testClass} and returns the summary. */
    static TestExecutionSummary run(Class<?> testClass) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(testClass))
                        .build(),
                listener);
        return listener.getSummary();
    }

    /** Runs {@code testClass} and checks that all its tests, {@code tests} of them, passed; says why not otherwise. */
    static void runPassing(Class<?> testClass, int tests) {
        TestExecutionSummary summary = run(testClass);
        if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() != tests) {
            StringWriter report = new StringWriter();
            summary.printTo(new PrintWriter(report));
            summary.printFailuresTo(new PrintWriter(report), 20);
            throw new AssertionError(testClass.getSimpleName() + " should pass " + tests + " tests:\n" + report);
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
