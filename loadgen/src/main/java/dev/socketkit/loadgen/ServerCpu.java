package dev.socketkit.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Another process's CPU time, the server's, read as the harness's load generator reads it: {@code utime + stime +
 * cutime + cstime} from {@code /proc/PID/stat}, so that children a server forks per connection (socat's) count too. The
 * kernel gives these in USER_HZ ticks, 100 a second on every Linux architecture whatever the kernel's own tick: a 10 s
 * window is measured to 0.1 %.
 */
final class ServerCpu {
    /** USER_HZ: the unit of {@code /proc}'s CPU times, fixed by the kernel's ABI. */
    static final int TICKS_PER_SECOND = 100;

    private ServerCpu() {}

    /** {@return the stat file of process {@code pid}} */
    static Path statFile(long pid) {
        return Path.of("/proc", Long.toString(pid), "stat");
    }

    /** {@return the process's CPU time so far, in ticks; -1 if it cannot be read (no such process, no /proc)} */
    static long ticks(long pid) {
        String stat;
        try {
            stat = Files.readString(statFile(pid), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException unreadable) {
            return -1;
        }
        // The command name, field 2, is in parentheses and may hold spaces or ')': the fields after its last ')' are
        // state (3), ppid (4) ... utime (14), stime (15), cutime (16), cstime (17).
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return -1;
        }
        String[] fields = stat.substring(end + 1).trim().split(" +");
        if (fields.length < 15) {
            return -1;
        }
        try {
            return Long.parseLong(fields[11])
                    + Long.parseLong(fields[12])
                    + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
        } catch (NumberFormatException garbled) {
            return -1;
        }
    }
}
