package dev.socketkit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Building reactions: immutable, readable, and refusing what cannot run. */
class ReactionTest {
    @Test
    void stepsAreAddedToACopy() {
        Reaction greeting = Reaction.reply("hello");
        Reaction longer = greeting.thenDelay(Duration.ofMillis(100)).thenHalfClose();
        assertEquals("reply(5 bytes)", greeting.toString());
        assertEquals("reply(5 bytes), delay(100 ms), halfClose", longer.toString());
        assertEquals("drop", Reaction.drop().toString());
        assertEquals("echo, reset", Reaction.echo().then(Reaction.reset()).toString());
    }

    @Test
    void theBytesOfAReplyAreCopied() {
        byte[] data = {1, 2, 3};
        Reaction reply = Reaction.reply(data);
        data[0] = 9;
        Reaction.Reply step = (Reaction.Reply) reply.steps().get(0);
        assertEquals(1, step.data()[0]);
    }

    @Test
    void nothingFollowsCloseOrReset() {
        IllegalStateException afterClose =
                assertThrows(IllegalStateException.class, () -> Reaction.close().thenReply("too late"));
        assertEquals("nothing can follow close in close", afterClose.getMessage());
        assertThrows(IllegalStateException.class, () -> Reaction.reset().then(Reaction.delay(Duration.ZERO)));
        assertEquals("reset", Reaction.reset().then(Reaction.drop()).toString(), "an empty reaction adds nothing");
    }

    @Test
    void aNegativeDelayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Reaction.delay(Duration.ofMillis(-1)));
    }
}
