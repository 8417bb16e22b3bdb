package dev.socketkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which completions a run counts: those inside the window, also where {@link System#nanoTime()} wraps around. */
class WindowTest {
    @Test
    void onlyCompletionsInsideTheWindowCount() {
        Window window = Window.startingAt(100, 50, 1_000);

        assertFalse(window.counts(149), "warmup");
        assertTrue(window.counts(150));
        assertTrue(window.counts(1_149));
        assertFalse(window.counts(1_150), "the end is outside");
        assertTrue(window.isOver(1_150));
        assertEquals(1_000, window.durationNanos());
    }

    @Test
    void aWindowAcrossTheWrapOfNanoTimeStillCounts() {
        Window window = Window.startingAt(Long.MAX_VALUE - 10, 0, 100);

        assertTrue(window.counts(Long.MAX_VALUE));
        assertTrue(window.counts(Long.MIN_VALUE + 5));
        assertTrue(window.isOver(Long.MIN_VALUE + 89));
    }
}
