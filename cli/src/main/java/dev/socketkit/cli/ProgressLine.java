package dev.socketkit.cli;

import dev.socketkit.loadgen.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/** The live line {@code socketkit bench} keeps rewriting on stderr, with a carriage return, while a person watches. */
final class ProgressLine implements Progress.Listener {
    private final PrintWriter err;
    private int shown;

    ProgressLine(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void update(Progress progress) {
        String line = progress.measuring()
                ? String.format(
                        Locale.ROOT,
                        "%5.0fs  %,12.0f ops/s  %9.2f MB/s  errors %d  mismatches %d",
                        progress.seconds(),
                        progress.opsPerSecond(),
                        progress.megabytesPerSecond(),
                        progress.errors(),
                        progress.mismatches())
                : String.format(Locale.ROOT, "%5.0fs  warming up", progress.seconds());
        // Pad over whatever a longer previous line left.
        err.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
        err.flush();
        shown = line.length();
    }

    /** Erases the line, so the report and any error start on a clean one. */
    void clear() {
        if (shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
