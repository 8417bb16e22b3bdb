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
}
