package dev.socketkit.cli;

import dev.socketkit.codec.Framing;
import picocli.CommandLine.Option;

/** {@code --framing} and the options each framing takes, shared by the commands that read and write frames. */
final class FramingOptions {
    @Option(
            names = "--framing",
            paramLabel = "MODE",
            description = "How the stream is cut into frames: raw, line, delimiter, length or fixed (default: raw). "
                    + "raw: each read is a frame; line: up to \\n; delimiter: up to --delimiter; "
                    + "length: --length-field-size byte prefix; fixed: --frame-size bytes.",
            defaultValue = "raw")
    Framing.Kind kind = Framing.Kind.RAW;

    @Option(
            names = "--delimiter",
            paramLabel = "TEXT",
            description = "The delimiter for --framing delimiter; escapes \\n \\r \\t \\0 \\\\ \\xHH.")
    String delimiter;

    @Option(
            names = "--length-field-size",
            paramLabel = "BYTES",
            description = "Size of the big-endian length prefix for --framing length: 1, 2, 3, 4 or 8 (default: 4).")
    Integer lengthFieldSize;

    @Option(names = "--frame-size", paramLabel = "BYTES", description = "The frame size for --framing fixed.")
    String frameSize;

    @Option(
            names = "--max-frame-length",
            paramLabel = "BYTES",
            description = "The longest frame accepted, terminator or prefix not counted (default: 64k). "
                    + "A longer frame closes that connection.")
    String maxFrameLength;

    /** The framing the options describe; options that belong to another framing are a usage error. */
    Framing framing() {
        refuseUnless(delimiter == null, Framing.Kind.DELIMITER, "--delimiter");
        refuseUnless(lengthFieldSize == null, Framing.Kind.LENGTH, "--length-field-size");
        refuseUnless(frameSize == null, Framing.Kind.FIXED, "--frame-size");
        if (maxFrameLength != null && (kind == Framing.Kind.RAW || kind == Framing.Kind.FIXED)) {
            throw new UsageException(
                    "--max-frame-length applies to --framing line, delimiter or length, not " + kind.id());
        }
        int max = maxFrameLength == null
                ? Framing.DEFAULT_MAX_FRAME_LENGTH
                : Options.size("--max-frame-length", maxFrameLength, 1, Integer.MAX_VALUE - 8);
        try {
            return switch (kind) {
                case RAW -> Framing.raw();
                case LINE -> Framing.line(max);
                case DELIMITER -> {
                    if (delimiter == null) {
                        throw new UsageException("--framing delimiter needs --delimiter TEXT");
                    }
                    yield Framing.delimiter(Escapes.decode("--delimiter", delimiter), max);
                }
                case LENGTH -> Framing.length(lengthFieldSize == null ? 4 : lengthFieldSize, max);
                case FIXED -> {
                    if (frameSize == null) {
                        throw new UsageException("--framing fixed needs --frame-size BYTES");
                    }
                    yield Framing.fixed(Options.size("--frame-size", frameSize, 1, 64 << 20));
                }
            };
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private void refuseUnless(boolean absent, Framing.Kind owner, String option) {
        if (!absent && kind != owner) {
            throw new UsageException(option + " applies to --framing " + owner.id() + ", not " + kind.id());
        }
    }
}
