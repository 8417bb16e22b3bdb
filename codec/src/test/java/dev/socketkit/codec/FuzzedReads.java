package dev.socketkit.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fuzzer's input becomes once a peer has sent it: its bytes, cut into reads of whatever sizes the fuzzer chose,
 * as a socket may hand them over. Public for the server module's fuzz test, which shares it through the test jar.
 */
public final class FuzzedReads {
    /**
     * The largest read; 256 keeps every read size to one byte of the fuzzer's input, so a seed is easy to write. A few
     * reads still cross any frame limit the fuzz tests choose.
     */
    static final int MAX_READ = 256;

    private final List<byte[]> reads;

    private FuzzedReads(List<byte[]> reads) {
        this.reads = reads;
    }

    /**
     * Consumes the rest of {@code data}: each read's size from its end, then that many bytes from its front. Every read
     * holds at least one byte, as a socket read does.
     *
     * @param data the fuzzer's input, its parameters already consumed
     * @return the reads
     */
    public static FuzzedReads consume(FuzzedDataProvider data) {
        List<byte[]> reads = new ArrayList<>();
        while (data.remainingBytes() > 0) {
            int size = data.consumeInt(1, Math.max(1, Math.min(MAX_READ, data.remainingBytes())));
            byte[] read = data.consumeBytes(size);
            if (read.length > 0) {
                reads.add(read);
            }
        }
        return new FuzzedReads(reads);
    }

    /** {@return the reads, in order} */
    public List<byte[]> reads() {
        return reads;
    }

    /** {@return every byte sent, in order} */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reads.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /**
     * Writes read {@code index} into {@code channel}'s inbound side, in a buffer from the channel's allocator.
     *
     * @param channel the channel under test
     * @param index which read
     */
    public void write(EmbeddedChannel channel, int index) {
        byte[] read = reads.get(index);
        channel.writeInbound(channel.alloc().buffer(read.length).writeBytes(read));
    }
}
