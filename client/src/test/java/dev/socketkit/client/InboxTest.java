package dev.socketkit.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.ClientException.Reason;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The hand-over between the event loop and waiting callers. The races these cases stand for (a frame that arrives
 * as a wait times out) cannot be timed reliably over a socket, so each one is set up step by step here.
 */
class InboxTest {
    private final Inbox inbox = new Inbox(1024);

    @Test
    void frameHandedToReceiverThatGaveUpGoesToTheNextReceive() {
        CompletableFuture<byte[]> late = inbox.next();
        inbox.add(bytes("one")); // arrives just as the caller's wait timed out
        inbox.add(bytes("two"));
        inbox.giveUp(late);

        assertEquals("one", text(inbox.next()));
        assertEquals("two", text(inbox.next()));
    }

    @Test
    void receiverThatGaveUpBeforeAnyFrameTakesNone() {
        CompletableFuture<byte[]> gone = inbox.next();
        inbox.giveUp(gone);
        inbox.add(bytes("one"));

        assertEquals("one", text(inbox.next()));
        assertFalse(gone.isDone(), "the abandoned receiver was completed");
    }

    @Test
    void cancelledAsyncReceiverPassesTheFrameOn() {
        CompletableFuture<byte[]> cancelled = inbox.next();
        CompletableFuture<byte[]> live = inbox.next();
        cancelled.cancel(false);
        inbox.add(bytes("one"));

        assertEquals("one", text(live));
    }

    @Test
    void framesTakenBeforeAFailureGoBackInOrder() {
        inbox.add(bytes("one"));
        byte[] one = inbox.next().join();
        CompletableFuture<byte[]> pending = inbox.next();
        inbox.add(bytes("two"));
        inbox.add(bytes("three"));
        inbox.giveUp(pending, List.of(one));

        assertEquals("one", text(inbox.next()));
        assertEquals("two", text(inbox.next()));
        assertEquals("three", text(inbox.next()));
    }

    @Test
    void endFailsWaitingAndLaterReceivers() throws Exception {
        CompletableFuture<byte[]> waiting = inbox.next();
        inbox.end(new ClientException(Reason.CLOSED, "closed", null));
        inbox.giveUp(waiting); // a failed receiver has no frame to give back

        ExecutionException failure = assertThrows(ExecutionException.class, waiting::get);
        assertEquals(Reason.CLOSED, ((ClientException) failure.getCause()).reason());
        assertTrue(inbox.next().isCompletedExceptionally(), "a receive after the end did not fail");
    }

    @Test
    void fullInboxStopsReadingUntilTheCallerTakesHalf() {
        Inbox small = new Inbox(10);
        AtomicInteger resumed = new AtomicInteger();
        small.onRoomMade(resumed::incrementAndGet);
        assertTrue(small.add(new byte[4]), "4 of 10 bytes held: room for more");
        assertTrue(small.add(new byte[4]), "8 of 10 bytes held: room for more");
        assertFalse(small.add(new byte[4]), "12 of 10 bytes held: full");
        assertFalse(small.hasRoom());

        small.next(); // 8 bytes held, above half the limit: still full
        assertFalse(small.hasRoom());
        assertEquals(0, resumed.get());
        small.next(); // 4 bytes held: reading may resume
        assertTrue(small.hasRoom());
        assertEquals(1, resumed.get());
        small.next();
        assertEquals(1, resumed.get(), "room was made once, not once per frame taken");
    }

    @Test
    void frameHandedStraightToAReceiverTakesNoRoom() {
        Inbox small = new Inbox(10);
        CompletableFuture<byte[]> waiting = small.next();
        assertTrue(small.add(new byte[100]));
        assertEquals(100, waiting.join().length);
        assertTrue(small.hasRoom());
    }

    @Test
    void framesPutBackAfterAGiveUpCountAgainstTheLimit() {
        Inbox small = new Inbox(10);
        CompletableFuture<byte[]> late = small.next();
        small.add(new byte[12]); // given to the receiver just as its caller stopped waiting
        small.giveUp(late);
        assertFalse(small.hasRoom(), "the frame went back into the inbox, and fills it");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String text(CompletableFuture<byte[]> frame) {
        assertTrue(frame.isDone(), "no frame was ready");
        return new String(frame.join(), UTF_8);
    }
}
