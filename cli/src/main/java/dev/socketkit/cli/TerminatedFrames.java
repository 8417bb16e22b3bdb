package dev.socketkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts an input stream into frames that end with a terminator (a line's {@code \n}, or a delimiter), byte-exact: each
 * frame keeps its terminator, and the last one may lack it. A frame longer than the limit, terminator not counted, is
 * an error rather than something to split, so a reader of the frames never sees one cut in two. Not thread-safe.
 */
final class TerminatedFrames {
    private static final int READ_SIZE = 64 * 1024;

    private final InputStream in;
    private final byte[] terminator;
    private final boolean crlf;
    private final int maxLength;
    private final String unit;
    private byte[] buffer = new byte[READ_SIZE];
    private int start;
    private int end;
    private int searchFrom;
    private long count;
    private boolean eof;

    /**
     * Frames of {@code in} that end with {@code terminator}; with {@code crlf}, a {@code \r} just before it belongs to
     * the terminator too (as line framing reads {@code \r\n}), so it is not counted against {@code maxLength}. The
     * {@code unit} names a frame in messages: {@code line}, {@code frame}.
     */
    TerminatedFrames(InputStream in, byte[] terminator, boolean crlf, int maxLength, String unit) {
        this.in = in;
        this.terminator = terminator.clone();
        this.crlf = crlf;
        this.maxLength = maxLength;
        this.unit = unit;
    }

    /** Lines ending in {@code \n} or {@code \r\n}, at most {@code maxLength} bytes without the terminator. */
    static TerminatedFrames lines(InputStream in, int maxLength) {
        return new TerminatedFrames(in, new byte[] {'\n'}, true, maxLength, "line");
    }

    /**
     * The next frame, reading only as far as it ends.
     *
     * @return the frame with its terminator; null at the end of the input
     * @throws TooLong if a frame is longer than the limit; nothing of it is returned
     */
    byte[] next() throws IOException {
        while (true) {
            byte[] frame = nextIfRead();
            if (frame != null) {
                return frame;
            }
            if (eof) {
                return rest();
            }
            fill();
        }
    }

    /**
     * The next frame if it has been read whole already, without reading: for gathering the frames that can go out in
     * one write.
     *
     * @return the frame with its terminator; null if no whole frame is read yet (the last, unterminated one never is)
     * @throws TooLong if what is read already is longer than the limit without a terminator
     */
    byte[] nextIfRead() throws TooLong {
        int at = indexOfTerminator();
        if (at < 0) {
            // Bytes that could still turn out to be the start of a terminator are not counted yet.
            int open = end - start - (terminator.length - 1) - (crlf ? 1 : 0);
            if (open > maxLength) {
                throw tooLong();
            }
            searchFrom = Math.max(start, end - terminator.length + 1);
            return null;
        }
        int length = at - start;
        if (crlf && length > 0 && buffer[at - 1] == '\r') {
            length--;
        }
        if (length > maxLength) {
            throw tooLong();
        }
        return take(at + terminator.length);
    }

    private byte[] rest() throws TooLong {
        if (start == end) {
            return null;
        }
        if (end - start > maxLength) {
            throw tooLong();
        }
        return take(end);
    }

    private TooLong tooLong() {
        return new TooLong(unit + " " + (count + 1) + " is over the limit of " + maxLength + " bytes");
    }

    private byte[] take(int frameEnd) {
        byte[] frame = Arrays.copyOfRange(buffer, start, frameEnd);
        start = frameEnd;
        searchFrom = start;
        count++;
        return frame;
    }

    private int indexOfTerminator() {
        for (int i = Math.max(searchFrom, start); i + terminator.length <= end; i++) {
            if (matchesAt(i)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matchesAt(int index) {
        for (int j = 0; j < terminator.length; j++) {
            if (buffer[index + j] != terminator[j]) {
                return false;
            }
        }
        return true;
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            searchFrom -= start;
            start = 0;
        }
        if (end == buffer.length) {
            // Only a frame still within the limit is kept, so the buffer grows to about the limit, no further.
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    /** A frame of the input is longer than the limit. */
    static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong(String message) {
            super(message);
        }
    }
}
