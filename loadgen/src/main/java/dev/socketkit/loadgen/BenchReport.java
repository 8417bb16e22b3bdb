package dev.socketkit.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * The result of one benchmark. Counts cover the measured window only (operations that completed inside it); errors,
 * mismatches, loss and late echoes cover the whole run, warmup included. MB are 10^6 bytes of payload in one
 * direction, as the harness's load generator counts them.
 *
 * @param mode what each connection did
 * @param endpoint the server
 * @param transport the transport used ({@code epoll}, {@code nio}, ...)
 * @param connections connections (datagram sockets, connect loops)
 * @param size bytes per message
 * @param threads event-loop threads
 * @param rate the requested total messages per second, 0 when unpaced
 * @param warmupSeconds the warmup
 * @param windowSeconds the measured window
 * @param connectSeconds how long opening the connections took
 * @param ops operations completed in the window: round trips, connect cycles, or (stream) messages' worth of echoed
 *     bytes
 * @param bytes echoed payload bytes in the window
 * @param latency latency percentiles; null in stream mode, which has no per-message latency
 * @param errors connection errors: refused, reset, closed early, stalled
 * @param mismatches echoes that differed from what was sent
 * @param loss datagrams whose echo did not come within the datagram timeout
 * @param late echoes of datagrams already counted as lost
 * @param cpuPercent this process's CPU use during the window, in % of one core (-1 if unknown): near 100 % per core
 *     means the load generator, not only the server, limited the result
 * @param serverCpuPercent the server process's CPU use during the window, children included, in % of one core; -1
 *     unless {@link BenchConfig#withServerPid} named it (or it could not be read to the end)
 * @param errorSamples the first few distinct errors and mismatches
 */
public record BenchReport(
        Mode mode,
        String endpoint,
        String transport,
        int connections,
        int size,
        int threads,
        int rate,
        double warmupSeconds,
        double windowSeconds,
        double connectSeconds,
        long ops,
        long bytes,
        Latency latency,
        long errors,
        long mismatches,
        long loss,
        long late,
        double cpuPercent,
        double serverCpuPercent,
        List<String> errorSamples) {

    /**
     * Copies the samples.
     *
     * @param mode what each connection did
     * @param endpoint the server
     * @param transport the transport used ({@code epoll}, {@code nio}, ...)
     * @param connections connections (datagram sockets, connect loops)
     * @param size bytes per message
     * @param threads event-loop threads
     * @param rate the requested total messages per second, 0 when unpaced
     * @param warmupSeconds the warmup
     * @param windowSeconds the measured window
     * @param connectSeconds how long opening the connections took
     * @param ops operations completed in the window: round trips, connect cycles, or (stream) messages' worth of
     *     echoed bytes
     * @param bytes echoed payload bytes in the window
     * @param latency latency percentiles; null in stream mode, which has no per-message latency
     * @param errors connection errors: refused, reset, closed early, stalled
     * @param mismatches echoes that differed from what was sent
     * @param loss datagrams whose echo did not come within the datagram timeout
     * @param late echoes of datagrams already counted as lost
     * @param cpuPercent this process's CPU use during the window, in % of one core (-1 if unknown)
     * @param serverCpuPercent the server's CPU use during the window, in % of one core (-1 if not measured)
     * @param errorSamples the first few distinct errors and mismatches
     */
    public BenchReport {
        errorSamples = List.copyOf(errorSamples);
    }

    /** {@return operations per second in the window, 0 if the window has no length} */
    public double opsPerSecond() {
        return windowSeconds > 0 ? ops / windowSeconds : 0;
    }

    /** {@return echoed payload per second in the window, in 10^6 bytes; 0 if the window has no length} */
    public double megabytesPerSecond() {
        return windowSeconds > 0 ? bytes / 1e6 / windowSeconds : 0;
    }

    /**
     * {@return operations per second of the server's CPU time: operations in the window divided by the CPU seconds
     * the server used in it; -1 unless {@link #serverCpuPercent()} was measured and above 0} Steadier than {@link
     * #opsPerSecond()} on a busy machine or when the load generator sets the pace, and comparable between servers:
     * divide one server's by another's, measured alike, for how close it comes to it.
     */
    public double opsPerServerCpuSecond() {
        return serverCpuPercent > 0 && windowSeconds > 0 ? ops / (windowSeconds * serverCpuPercent / 100) : -1;
    }

    /**
     * Whether every echo was verified and no connection failed; datagram loss alone does not fail a run.
     *
     * @return true if there were no errors and no mismatches
     */
    public boolean ok() {
        return errors == 0 && mismatches == 0;
    }

    /** What one operation is, for people. */
    private String unit() {
        return switch (mode) {
            case PINGPONG -> "round trips";
            case STREAM -> size + "-byte writes echoed";
            case CONNRATE -> "connections";
        };
    }

    /**
     * One JSON object on one line, for scripts.
     *
     * @return the report as a single-line JSON object, without a line terminator
     */
    public String toJson() {
        JsonWriter json = new JsonWriter()
                .field("mode", mode.id())
                .field("endpoint", endpoint)
                .field("transport", transport)
                .field("connections", connections)
                .field("size", size)
                .field("threads", threads);
        if (rate > 0) {
            json.field("rate", rate);
        } else {
            json.nullField("rate");
        }
        json.field("warmup_s", warmupSeconds)
                .field("duration_s", windowSeconds)
                .field("connect_s", connectSeconds)
                .field("ops", ops)
                .field("ops_per_sec", opsPerSecond())
                .field("bytes", bytes)
                .field("mb_per_sec", megabytesPerSecond());
        if (latency == null) {
            json.nullField("latency_us");
        } else {
            json.object("latency_us")
                    .field("samples", latency.samples())
                    .field("mean", latency.mean())
                    .field("p50", latency.p50())
                    .field("p90", latency.p90())
                    .field("p99", latency.p99())
                    .field("p999", latency.p999())
                    .field("max", latency.max())
                    .end();
        }
        return json.field("errors", errors)
                .field("mismatches", mismatches)
                .field("loss", loss)
                .field("late", late)
                .field("client_cpu_pct", cpuPercent < 0 ? Double.NaN : cpuPercent)
                .field("server_cpu_pct", serverCpuPercent < 0 ? Double.NaN : serverCpuPercent)
                .field("ops_per_server_cpu_s", serverCpuPercent > 0 ? opsPerServerCpuSecond() : Double.NaN)
                .field("error_samples", errorSamples)
                .field("ok", ok())
                .toString();
    }

    /**
     * A short table for people.
     *
     * @return one line per row, name then value, each line ending in the platform's line separator
     */
    public String toText() {
        StringBuilder text = new StringBuilder();
        row(
                text,
                "mode",
                mode.id() + (rate > 0 ? " at " + rate + " messages/s (latency from each send's due time)" : ""));
        row(text, "endpoint", endpoint + " (" + transport + ", " + threads + (threads == 1 ? " thread)" : " threads)"));
        row(text, "connections", connections + ", " + size + " bytes each message");
        row(text, "window", format("%.2f s after %.2f s warmup", windowSeconds, warmupSeconds));
        row(text, "ops", format("%d %s, %.1f/s", ops, unit(), opsPerSecond()));
        row(text, "throughput", format("%.2f MB/s echoed", megabytesPerSecond()));
        if (cpuPercent >= 0) {
            row(text, "own cpu", format("%.0f %% of one core", cpuPercent));
        }
        if (serverCpuPercent > 0) {
            row(
                    text,
                    "server cpu",
                    format(
                            "%.0f %% of one core, %.0f %s per server CPU-second",
                            serverCpuPercent, opsPerServerCpuSecond(), unit()));
        } else if (serverCpuPercent == 0) {
            row(text, "server cpu", "none measured (0 ticks in the window)");
        }
        if (latency != null && latency.samples() == 0) {
            row(text, "latency us", "none measured");
        } else if (latency != null) {
            row(
                    text,
                    "latency us",
                    format(
                            "p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f",
                            latency.p50(), latency.p90(), latency.p99(), latency.p999(), latency.max()));
        }
        String problems = "errors " + errors + ", mismatches " + mismatches;
        if (loss > 0 || late > 0 || endpoint.startsWith("udp:") || endpoint.startsWith("unixgram:")) {
            problems += ", lost " + loss + ", late " + late;
        }
        row(text, "problems", problems);
        for (String sample : errorSamples) {
            row(text, "", sample);
        }
        return text.toString();
    }

    private static void row(StringBuilder text, String name, String value) {
        text.append(String.format(Locale.ROOT, "%-12s %s%n", name, value));
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
