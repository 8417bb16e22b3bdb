package dev.socketkit.junit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a {@link RecordingServer} does with one frame it receives: a sequence of steps, run in order on the server's
 * event loop. Start with a static factory and add steps with the {@code then} methods; each call returns a new
 * reaction, so one can be shared and extended freely.
 *
 * <pre>{@code
 * server.enqueue(
 *         Reaction.reply("pong"),
 *         Reaction.delay(Duration.ofMillis(200)).thenReply("slow pong"),
 *         Reaction.reply("bye").thenHalfClose(),
 *         Reaction.reset());
 * }</pre>
 *
 * <p>Steps:
 *
 * <ul>
 *   <li>{@link #reply reply}: sends one frame through the server's framing (a line framing adds the newline if it is
 *       missing; raw sends the bytes as they are); on a datagram socket, one datagram to the frame's sender. The next
 *       step starts once it is written.
 *   <li>{@link #echo echo}: replies with the frame being reacted to.
 *   <li>{@link #delay delay}: waits, without blocking anything (the event loop schedules the next step).
 *   <li>{@link #halfClose halfClose}: shuts down the server's sending side: the peer reads end of input, and may still
 *       send. Stream sockets only; over TLS a {@code close_notify} goes first, then the FIN (a TLS 1.2 peer answers
 *       with its own and closes, since TLS 1.2 has no half-close).
 *   <li>{@link #close close}: closes the connection after what was written. Stream sockets only.
 *   <li>{@link #reset reset}: aborts the connection (SO_LINGER 0, then close): the peer sees a connection reset, and
 *       may lose what it had not read yet, as TCP has it. TCP only: Unix sockets have no reset.
 *   <li>{@link #drop drop}: no step at all: the frame is recorded and not answered (on a datagram socket, a lost
 *       datagram as the client sees it).
 * </ul>
 *
 * Nothing can follow {@code close} or {@code reset}. Whether a reaction fits the server's socket is checked when it is
 * {@linkplain RecordingServer#enqueue enqueued}.
 */
public final class Reaction {
    private static final Reaction DROP = new Reaction(List.of());

    /** One step; the records are package-private, so the set of steps can grow without breaking anyone. */
    sealed interface Step permits Reply, Echo, Delay, HalfClose, Close, Reset {}

    record Reply(byte[] data) implements Step {
        @Override
        public String toString() {
            return "reply(" + data.length + " bytes)";
        }
    }

    record Echo() implements Step {
        @Override
        public String toString() {
            return "echo";
        }
    }

    record Delay(Duration duration) implements Step {
        @Override
        public String toString() {
            return "delay(" + duration.toMillis() + " ms)";
        }
    }

    record HalfClose() implements Step {
        @Override
        public String toString() {
            return "halfClose";
        }
    }

    record Close() implements Step {
        @Override
        public String toString() {
            return "close";
        }
    }

    record Reset() implements Step {
        @Override
        public String toString() {
            return "reset";
        }
    }

    private final List<Step> steps;

    private Reaction(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * Sends {@code data} as one frame (or datagram).
     *
     * @param data the bytes to send; copied
     * @return the reaction
     */
    public static Reaction reply(byte[] data) {
        return DROP.thenReply(data);
    }

    /**
     * Sends {@code text}, in UTF-8, as one frame (or datagram).
     *
     * @param text the text to send
     * @return the reaction
     */
    public static Reaction reply(String text) {
        return DROP.thenReply(text);
    }

    /**
     * Sends back the frame being reacted to.
     *
     * @return the reaction
     */
    public static Reaction echo() {
        return DROP.thenEcho();
    }

    /**
     * Waits {@code duration} (then runs the steps added after it).
     *
     * @param duration how long to wait; not negative
     * @return the reaction
     */
    public static Reaction delay(Duration duration) {
        return DROP.thenDelay(duration);
    }

    /**
     * Shuts down the server's sending side of the connection; see the class documentation.
     *
     * @return the reaction
     */
    public static Reaction halfClose() {
        return DROP.thenHalfClose();
    }

    /**
     * Closes the connection; see the class documentation.
     *
     * @return the reaction
     */
    public static Reaction close() {
        return DROP.thenClose();
    }

    /**
     * Resets the connection; see the class documentation.
     *
     * @return the reaction
     */
    public static Reaction reset() {
        return DROP.thenReset();
    }

    /**
     * Answers nothing: the frame is only recorded.
     *
     * @return the reaction
     */
    public static Reaction drop() {
        return DROP;
    }

    /**
     * This reaction, then sending {@code data} as one frame (or datagram).
     *
     * @param data the bytes to send; copied
     * @return the longer reaction
     */
    public Reaction thenReply(byte[] data) {
        Objects.requireNonNull(data, "data");
        return then(new Reply(data.clone()));
    }

    /**
     * This reaction, then sending {@code text}, in UTF-8, as one frame (or datagram).
     *
     * @param text the text to send
     * @return the longer reaction
     */
    public Reaction thenReply(String text) {
        Objects.requireNonNull(text, "text");
        return then(new Reply(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * This reaction, then sending back the frame being reacted to.
     *
     * @return the longer reaction
     */
    public Reaction thenEcho() {
        return then(new Echo());
    }

    /**
     * This reaction, then waiting {@code duration} before the next step.
     *
     * @param duration how long to wait
     * @return the longer reaction
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Reaction thenDelay(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("delay " + duration + " is negative");
        }
        return then(new Delay(duration));
    }

    /**
     * This reaction, then shutting down the server's sending side.
     *
     * @return the longer reaction
     */
    public Reaction thenHalfClose() {
        return then(new HalfClose());
    }

    /**
     * This reaction, then closing the connection.
     *
     * @return the longer reaction
     */
    public Reaction thenClose() {
        return then(new Close());
    }

    /**
     * This reaction, then resetting the connection.
     *
     * @return the longer reaction
     */
    public Reaction thenReset() {
        return then(new Reset());
    }

    /**
     * This reaction's steps, then {@code next}'s.
     *
     * @param next the steps to add
     * @return the longer reaction
     * @throws IllegalStateException if this reaction ends with {@code close} or {@code reset} and {@code next} has
     *     steps
     */
    public Reaction then(Reaction next) {
        Objects.requireNonNull(next, "next");
        Reaction joined = this;
        for (Step step : next.steps) {
            joined = joined.then(step);
        }
        return joined;
    }

    private Reaction then(Step step) {
        if (!steps.isEmpty() && ends(steps.get(steps.size() - 1))) {
            throw new IllegalStateException("nothing can follow " + steps.get(steps.size() - 1) + " in " + this);
        }
        List<Step> more = new ArrayList<>(steps);
        more.add(step);
        return new Reaction(more);
    }

    private static boolean ends(Step step) {
        return step instanceof Close || step instanceof Reset;
    }

    List<Step> steps() {
        return steps;
    }

    /**
     * Checks that every step can run on a server of this kind of socket, so that a misfit fails where the test
     * enqueues it rather than as a log line on the event loop.
     *
     * @param scheme the socket's URI scheme, for the message
     * @throws IllegalArgumentException naming the step that does not fit
     */
    void checkFits(boolean datagram, boolean tcp, String scheme) {
        for (Step step : steps) {
            if (datagram && (step instanceof HalfClose || step instanceof Close || step instanceof Reset)) {
                throw new IllegalArgumentException(
                        step + " needs a connection; " + scheme + " has none (reaction " + this + ")");
            }
            if (!tcp && step instanceof Reset) {
                throw new IllegalArgumentException(
                        "reset is a TCP abort; " + scheme + " sockets have none (reaction " + this + ")");
            }
        }
    }

    /** Whether a step sends back the frame reacted to, which a greeting on connect does not have. */
    boolean echoes() {
        return steps.stream().anyMatch(Echo.class::isInstance);
    }

    /** The steps, such as {@code reply(5 bytes), delay(100 ms), halfClose}; {@code drop} when there are none. */
    @Override
    public String toString() {
        return steps.isEmpty() ? "drop" : steps.stream().map(Step::toString).collect(Collectors.joining(", "));
    }
}
