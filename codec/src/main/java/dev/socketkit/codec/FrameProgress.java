package dev.socketkit.codec;

/**
 * What a connection's frame decoder can tell about the frame it is assembling, so that a server can put a deadline on
 * a frame that has begun: a peer that sends one byte a minute never completes a line, yet is never idle. Every decoder
 * that {@link Framing#addTo} installs implements it; {@link Framing#progressOf} finds it in a pipeline.
 *
 * <p>A decoder holds bytes only of a frame not yet complete, and consumes them only by cutting frames, so a handler
 * before it that counts the bytes of a read batch also knows whether the batch completed a frame: if the decoder
 * holds fewer bytes than it held before plus the batch's.
 */
public interface FrameProgress {
    /**
     * {@return how many bytes of a frame not yet complete the decoder holds; 0 when it holds none} For the channel's
     * event loop, where the decoder runs.
     */
    int partialBytes();
}
