package dev.socketkit.transport.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Datagram reads: batches of 64 whole datagrams, and small ones moved out of their read buffer. The channel is Netty's
 * embedded one: what is under test is what the handler does to a packet, whichever socket read it (the integration
 * tests' {@code CustomHandlerIT} asks a live server socket on every transport).
 */
class DatagramReadsTest {
    private static final int READ_SIZE = 65_507;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 7);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);

    private final EmbeddedChannel channel = new EmbeddedChannel(DatagramReads.RIGHT_SIZE);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void readsUpToSixtyFourDatagramsPerBatchEachIntoTheReadSize() {
        var allocator = DatagramReads.allocator(READ_SIZE);
        assertEquals(64, ((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead());
        ByteBuf buffer = allocator.newHandle().allocate(PooledByteBufAllocator.DEFAULT);
        assertEquals(READ_SIZE, buffer.capacity(), "every datagram whole, up to the largest");
        buffer.release();
    }

    @Test
    void eachReadOfAThreadTakesTheSameBufferOnceTheLastIsFree() {
        var handle = DatagramReads.allocator(READ_SIZE).newHandle();
        ByteBuf first = handle.allocate(PooledByteBufAllocator.DEFAULT);
        first.writeByte(1);
        first.release();
        ByteBuf second = handle.allocate(PooledByteBufAllocator.DEFAULT);
        assertSame(first, second, "one read buffer per thread, as the floor reads into one");
        assertEquals(0, second.writerIndex(), "handed out empty");
        assertEquals(READ_SIZE, second.capacity());
        second.release();
    }

    @Test
    void aReadBufferStillHeldIsNeverHandedOutAgain() {
        var handle = DatagramReads.allocator(READ_SIZE).newHandle();
        ByteBuf held = handle.allocate(PooledByteBufAllocator.DEFAULT);
        ByteBuf next = handle.allocate(PooledByteBufAllocator.DEFAULT);
        assertNotSame(held, next, "a datagram still in the first must not be overwritten");
        assertEquals(READ_SIZE, next.capacity());
        next.release();
        held.release();
    }

    @Test
    void aSmallDatagramMovesIntoABufferOfItsOwnSizeAndFreesItsReadBuffer() {
        ByteBuf read = readBuffer("sixty-four bytes or so");
        channel.writeInbound(new DatagramPacket(read, LOCAL, PEER));
        DatagramPacket handed = channel.readInbound();
        assertEquals(0, read.refCnt(), "the read buffer goes back to the allocator at once");
        assertEquals("sixty-four bytes or so".length(), handed.content().capacity());
        assertEquals("sixty-four bytes or so", handed.content().toString(US_ASCII));
        assertEquals(PEER, handed.sender());
        assertEquals(LOCAL, handed.recipient());
        handed.release();
    }

    @Test
    void aSliceOfAReadBufferAsEpollHandsItOverIsMovedOutToo() {
        ByteBuf read = readBuffer("hello");
        ByteBuf slice = read.retainedSlice(0, 5);
        read.release(); // as epoll does: the packet holds the read buffer through its slice alone
        channel.writeInbound(new DatagramPacket(slice, LOCAL, PEER));
        DatagramPacket handed = channel.readInbound();
        assertEquals(0, read.refCnt(), "the read buffer under the slice is free");
        assertEquals(5, handed.content().capacity());
        assertEquals(5, held(handed.content()).capacity(), "a buffer of its own, not a slice of another");
        handed.release();
    }

    @Test
    void anEmptyDatagramStaysAnEmptyDatagram() {
        channel.writeInbound(new DatagramPacket(PooledByteBufAllocator.DEFAULT.directBuffer(READ_SIZE), LOCAL, PEER));
        DatagramPacket handed = channel.readInbound();
        assertEquals(0, handed.content().readableBytes());
        assertEquals(0, handed.content().capacity());
        assertEquals(PEER, handed.sender());
        handed.release();
    }

    @Test
    void aUnixDatagramKeepsItsClassAndAddresses() {
        DomainSocketAddress local = new DomainSocketAddress("/tmp/server.sock");
        DomainSocketAddress peer = new DomainSocketAddress("/tmp/client.sock");
        channel.writeInbound(new DomainDatagramPacket(readBuffer("hello"), local, peer));
        DomainDatagramPacket handed = assertInstanceOf(DomainDatagramPacket.class, channel.readInbound());
        assertEquals(5, handed.content().capacity());
        assertEquals(peer, handed.sender());
        assertEquals(local, handed.recipient());
        handed.release();
    }

    @Test
    void aDatagramFillingMoreThanHalfItsBufferIsNotCopied() {
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(READ_SIZE);
        read.writeZero(READ_SIZE / 2 + 1);
        DatagramPacket packet = new DatagramPacket(read, LOCAL, PEER);
        channel.writeInbound(packet);
        DatagramPacket handed = channel.readInbound();
        assertSame(packet, handed);
        handed.release();
    }

    /** The buffer under {@code data}'s wrappers and slices. */
    private static ByteBuf held(ByteBuf data) {
        ByteBuf root = data;
        while (root.unwrap() != null) {
            root = root.unwrap();
        }
        return root;
    }

    private static ByteBuf readBuffer(String text) {
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(READ_SIZE);
        ByteBufUtil.writeAscii(read, text);
        return read;
    }
}
