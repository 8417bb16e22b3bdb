package dev.socketkit.transport.internal;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** The process's open-file limit ({@code ulimit -n}), which bounds how many connections it can hold. */
public final class OpenFiles {
    private OpenFiles() {}

    /**
     * {@return the most file descriptors this process may open, or -1 where the JVM cannot say} HotSpot raises the
     * soft limit to the hard one at start on Linux, so this is the hard limit the process was started with.
     */
    public static long limit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** {@return the descriptors this process has open now, or -1 where the JVM cannot say} */
    public static long open() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        return -1;
    }

    /**
     * File descriptors a default connection limit leaves free beyond those open when it is computed: for the event
     * loops' epoll and wake-up descriptors, the listening socket, jars loaded later, log files.
     */
    public static final int RESERVED = 64;

    /** The limit where the JVM cannot tell the descriptors: {@value}. */
    public static final int UNKNOWN_BUDGET = 10_000;

    /**
     * How many connections the descriptors left can hold: the open-file limit less those open now and {@value
     * #RESERVED}, divided by what each connection takes, as HAProxy derives its {@code maxconn} from {@code ulimit -n}.
     * Connections beyond it are refused one by one, and counted, before accepting runs out of descriptors.
     *
     * @param perConnection descriptors each connection holds: 1 for a server's, 2 for a relay's (client and target)
     * @param max the most to return
     * @return at least 1; {@value #UNKNOWN_BUDGET} (or {@code max}) where the JVM cannot say
     */
    public static int connectionBudget(int perConnection, int max) {
        long limit = limit();
        long open = open();
        if (limit < 0 || open < 0) {
            return Math.min(UNKNOWN_BUDGET, max);
        }
        return (int) Math.max(1, Math.min(max, (limit - open - RESERVED) / perConnection));
    }
}
