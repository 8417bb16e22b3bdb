package dev.socketkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The fixed send schedule of {@code --rate}. */
class PacerTest {
    @Test
    void sendsAreDueAtFixedIntervalsWhateverHappened() {
        Pacer pacer = new Pacer(1_000, 2_500.0, 0, 1);

        assertEquals(1_000, pacer.next());
        assertEquals(3_500, pacer.next());
        assertEquals(6_000, pacer.next());
    }

    @Test
    void connectionsAreSpreadEvenlyOverOneInterval() {
        assertEquals(1_000, new Pacer(1_000, 1_000.0, 0, 4).next());
        assertEquals(1_250, new Pacer(1_000, 1_000.0, 1, 4).next());
        assertEquals(1_750, new Pacer(1_000, 1_000.0, 3, 4).next());
    }

    @Test
    void aFractionalIntervalDoesNotDrift() {
        Pacer pacer = new Pacer(0, 1_000.0 / 3, 0, 1);
        long last = 0;
        for (int i = 0; i <= 3_000; i++) {
            last = pacer.next();
        }
        assertEquals(1_000_000, last);
    }
}
