package dev.socketkit.loadgen;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This process's CPU time, to report how busy the load generator itself was: a generator near 100 % of its cores
 * measured itself as much as the server.
 */
final class ProcessCpu {
    private ProcessCpu() {}

    /** CPU time used by this process so far, in nanoseconds; -1 where the JVM does not tell. */
    static long nanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            return hotspot.getProcessCpuTime();
        }
        return -1;
    }
}
