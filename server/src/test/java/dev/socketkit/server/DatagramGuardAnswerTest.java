package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.socketkit.transport.Endpoint;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A handler's plain envelope leaves the datagram guard as a {@link DatagramPacket} (which epoll batches and the water
 * marks count by its bytes), with its content, its recipient and the source address the handler chose, unchanged.
 */
class DatagramGuardAnswerTest {
    @Test
    void anEnvelopeBecomesAPacketWithItsRecipientAndItsSource() {
        Counters counters = new Counters();
        ServerConfig config = ServerConfig.defaults().withEndpoint(Endpoint.udp("127.0.0.1", 0));
        EmbeddedChannel channel = new EmbeddedChannel(new DatagramGuard(config, new GuardLog(counters), counters));
        InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40_000);
        InetSocketAddress source = new InetSocketAddress("127.0.0.1", 7);

        channel.writeOutbound(
                new DefaultAddressedEnvelope<>(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII), client, source));

        DatagramPacket sent = assertInstanceOf(DatagramPacket.class, channel.readOutbound());
        try {
            assertEquals(client, sent.recipient());
            assertEquals(source, sent.sender());
            assertEquals("hi", sent.content().toString(StandardCharsets.US_ASCII));
        } finally {
            sent.release();
        }
        channel.finishAndReleaseAll();
    }
}
