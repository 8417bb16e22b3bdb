package dev.socketkit.cli;

/** A value the user gave cannot work; the message names the option, the value and what is wrong. Exit status 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
