package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Resource failures in the words an operator reads, for servers and the relay alike: the resource by name, wherever
 * it sits in the chain of causes, and the root cause's message for anything else.
 */
class FailuresTest {
    private static final String ENDPOINT = "tcp://127.0.0.1:9";

    @Test
    void runningOutOfDescriptorsIsNamedWithTheLimitWhereverItIsInTheChain() {
        // As Netty's epoll connect fails when socket() meets EMFILE: a ChannelException around the native error.
        Throwable emfile = new ChannelException(new IOException("newSocketStream(..) failed: Too many open files"));
        assertTrue(Failures.isResourceFailure(emfile));
        String limit = OpenFiles.limit() < 0 ? "a limited number" : String.valueOf(OpenFiles.limit());
        String words = "too many open files (EMFILE): the process may open " + limit + " (ulimit -n)";
        assertEquals(words, Failures.describeResourceOrRoot(emfile));
        assertEquals(ENDPOINT + ": " + words, Failures.describe(ENDPOINT, emfile), "a connect that meets it");

        Throwable enfile = new IOException("accept(..) failed: Too many open files in system");
        assertEquals(
                "too many open files in the system (ENFILE): the system's file limit is reached (fs.file-max)",
                Failures.describeResourceOrRoot(enfile));
    }

    @Test
    void runningOutOfMemorySaysWhichMemory() {
        Throwable direct = new OutOfMemoryError("Cannot reserve 67108864 bytes of direct buffer memory");
        assertEquals(
                "out of direct memory (Cannot reserve 67108864 bytes of direct buffer memory)",
                Failures.describeResourceOrRoot(direct));
        assertEquals(
                "out of memory (Java heap space)",
                Failures.describeResourceOrRoot(new OutOfMemoryError("Java heap space")));
    }

    @Test
    void anythingElseIsItsRootCausesMessage() {
        Throwable other = new ChannelException(new IOException("Network is unreachable"));
        assertFalse(Failures.isResourceFailure(other));
        assertEquals("Network is unreachable", Failures.describeResourceOrRoot(other));
    }
}
