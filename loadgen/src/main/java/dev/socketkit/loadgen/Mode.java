package dev.socketkit.loadgen;

import java.util.Locale;

/** What each connection of a benchmark does. */
public enum Mode {
    /** Write a message, read exactly that many bytes back, verify them, repeat; datagram endpoints too. */
    PINGPONG,
    /** Write messages nonstop while reading and verifying the echoed byte stream (stream endpoints). */
    STREAM,
    /** Connect, send one message, read it back, verify, close, repeat (stream endpoints). */
    CONNRATE;

    /** {@return the mode's name, as {@code socketkit bench --mode} takes it: the constant's name in lower case} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a mode's name, case-insensitively.
     *
     * @param text the name, as {@code socketkit bench --mode} takes it; surrounding whitespace is ignored
     * @return the mode whose {@link #id} matches {@code text}
     * @throws IllegalArgumentException if no mode matches, naming the modes there are
     */
    public static Mode parse(String text) {
        for (Mode mode : values()) {
            if (mode.id().equalsIgnoreCase(text.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + text + "'; use pingpong, stream or connrate");
    }
}
