package dev.socketkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Datagram pingpong under {@code --rate}: at most one datagram in flight per socket, whatever arrives. */
class DatagramPingPongTest {
    @Test
    void aStrayDatagramAfterALossStartsNoSecondSend() {
        BenchConfig config = BenchConfig.defaults()
                .withEndpoint(Endpoint.udp("127.0.0.1", 7))
                .withIo(Io.NIO)
                .withSize(16)
                .withDuration(Duration.ofMinutes(1))
                .withWarmup(Duration.ZERO)
                .withRate(1) // one send a second
                .withDatagramTimeout(Duration.ofMillis(1));
        Map<EventExecutor, LoopStats> loops = new IdentityHashMap<>();
        try (Payloads payloads = new Payloads(16, 1)) {
            Run run = new Run(config, payloads, loops, 1);
            DatagramPingPong worker = new DatagramPingPong(run, 0, new SplittableRandom(1));
            EmbeddedChannel channel = new EmbeddedChannel(worker);
            loops.put(channel.eventLoop(), new LoopStats());
            try {
                worker.start(Window.startingAt(
                        System.nanoTime(), 0, Duration.ofMinutes(1).toNanos()));
                assertEquals(1, sent(channel), "the first datagram goes at once");

                worker.tick(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10)); // lost; the next is due in 1 s
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[3])); // a stray while none is outstanding
                assertEquals(1, run.outcome.loss());
                assertEquals(1, run.outcome.mismatches());

                channel.advanceTimeBy(5, TimeUnit.SECONDS);
                channel.runScheduledPendingTasks();
                assertEquals(1, sent(channel), "only the send scheduled after the loss");
            } finally {
                channel.finishAndReleaseAll();
            }
        }
    }

    private static int sent(EmbeddedChannel channel) {
        int count = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(out);
            count++;
        }
        return count;
    }
}
