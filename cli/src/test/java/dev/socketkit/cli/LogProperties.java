package dev.socketkit.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * The system properties a logging test sets ({@link LoggingOptions}'s, Log4j's), each put back as it was by {@link
 * #restore()}, with {@link LogLevels} read again after each change, as {@link LoggingOptions#apply()} does.
 */
final class LogProperties {
    private final Map<String, String> saved = new HashMap<>();

    /** Sets {@code name} to {@code value}, or clears it if {@code value} is null. */
    LogProperties set(String name, String value) {
        saved.putIfAbsent(name, System.getProperty(name));
        put(name, value);
        LogLevels.refresh();
        return this;
    }

    /** Puts every property set back as it was before the first {@link #set} of it. */
    void restore() {
        saved.forEach(LogProperties::put);
        saved.clear();
        LogLevels.refresh();
    }

    private static void put(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
