package dev.socketkit.relay;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which connections (or datagram sessions) a fault applies to, by their ordinal from 1: {@code 2} (the second only),
 * {@code 2-5}, {@code 3-} (the third and every later one), {@code 3n} (every third: 3, 6, 9, ...) or {@code 3n+1}
 * (1, 4, 7, ...; {@code Kn+B} from B on), the last two as CSS's {@code :nth-child} writes them.
 */
final class ConnectionSelector {
    static final ConnectionSelector ALL = new ConnectionSelector(1, Long.MAX_VALUE, 1, 0, "1-");

    private static final Pattern RANGE = Pattern.compile("([0-9]{1,18})(?:(-)([0-9]{1,18})?)?");
    private static final Pattern EVERY = Pattern.compile("([0-9]{1,9})n(?:\\+([0-9]{1,18}))?");
    private static final String ACCEPTED = "accepted: N, N-M, N- (from N on), Kn (every K-th) or Kn+B, N and K from 1";

    private final long from;
    private final long to;
    private final long every;
    private final long offset;
    private final String text;

    private ConnectionSelector(long from, long to, long every, long offset, String text) {
        this.from = from;
        this.to = to;
        this.every = every;
        this.offset = offset;
        this.text = text;
    }

    static ConnectionSelector parse(String text) {
        String value = text.strip();
        Matcher range = RANGE.matcher(value);
        if (range.matches()) {
            long from = Long.parseLong(range.group(1));
            long to = range.group(2) == null
                    ? from
                    : range.group(3) == null ? Long.MAX_VALUE : Long.parseLong(range.group(3));
            if (from < 1 || to < from) {
                throw new IllegalArgumentException("connections=" + text + " selects no connection; " + ACCEPTED);
            }
            return new ConnectionSelector(from, to, 1, 0, value);
        }
        Matcher every = EVERY.matcher(value);
        if (every.matches()) {
            long k = Long.parseLong(every.group(1));
            long b = every.group(2) == null ? 0 : Long.parseLong(every.group(2));
            if (k < 1) {
                throw new IllegalArgumentException("connections=" + text + " selects no connection; " + ACCEPTED);
            }
            return new ConnectionSelector(Math.max(1, b), Long.MAX_VALUE, k, b % k, value);
        }
        throw new IllegalArgumentException("connections=" + text + " is not a selection; " + ACCEPTED);
    }

    /** {@return whether the connection with this ordinal (from 1) is selected} */
    boolean matches(long number) {
        return number >= from && number <= to && number % every == offset;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectionSelector s
                && from == s.from
                && to == s.to
                && every == s.every
                && offset == s.offset;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(from * 31 + to) * 31 + Long.hashCode(every * 31 + offset);
    }
}
