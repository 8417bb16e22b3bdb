package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A guard's warnings: every action counted, at most one line per interval, the next line saying what was left out. */
class GuardLogTest {
    @Test
    void aFloodOfActionsIsCountedExactlyAndLoggedOnce() {
        Counters counters = new Counters();
        GuardLog log = new GuardLog(counters, TimeUnit.HOURS.toNanos(1));
        assertEquals("", log.acted(Guard.DATAGRAM_RATE), "the first action is logged");
        for (int i = 0; i < 10_000; i++) {
            assertNull(log.acted(Guard.DATAGRAM_RATE), "action " + i + " within the interval is left out");
        }
        assertEquals(10_001, counters.guardedCount(Guard.DATAGRAM_RATE));
        assertNotNull(log.acted(Guard.IDLE_TIMEOUT), "another guard has a line of its own");
        assertNotNull(log.line(GuardLog.Line.RESOURCE_FAILURE), "so does each uncounted kind");
        assertEquals(0, counters.guardedCount(Guard.CONNECTION_LIMIT));
    }

    @Test
    void theNextLineSaysHowManyWereLeftOut() throws InterruptedException {
        GuardLog log = new GuardLog(new Counters(), TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals("", log.acted(Guard.CONNECTION_LIMIT));
        int leftOut = 0;
        while (log.acted(Guard.CONNECTION_LIMIT) == null && leftOut < 5) {
            leftOut++;
        }
        assertEquals(5, leftOut);
        Thread.sleep(30); // the interval itself is what is under test
        assertEquals(" (6 more like it since the last such line)", log.acted(Guard.CONNECTION_LIMIT));
    }
}
