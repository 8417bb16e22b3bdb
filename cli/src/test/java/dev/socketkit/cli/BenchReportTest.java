package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.loadgen.BenchReport;
import dev.socketkit.loadgen.Latency;
import dev.socketkit.loadgen.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a benchmark report is written: the JSON a script reads and the table a person reads, without any socket. */
class BenchReportTest {
    private static BenchReport report(
            Mode mode, String endpoint, Latency latency, long mismatches, List<String> samples) {
        return report(mode, endpoint, latency, mismatches, samples, -1);
    }

    private static BenchReport report(
            Mode mode, String endpoint, Latency latency, long mismatches, List<String> samples, double serverCpu) {
        return new BenchReport(
                mode,
                endpoint,
                "epoll",
                64,
                64,
                2,
                0,
                1.0,
                4.0,
                0.25,
                1_000_000,
                64_000_000,
                latency,
                0,
                mismatches,
                0,
                0,
                87.5,
                serverCpu,
                samples);
    }

    @Test
    void theJsonIsOneObjectWithEveryFieldAndRatesOverTheWindow() {
        Latency latency = new Latency(1_000_000, 12.5, 10.0, 20.25, 40.0, 80.0, 1234.567891);

        Map<String, Object> json = Json.object(report(Mode.PINGPONG, "tcp://127.0.0.1:8090", latency, 0, List.of())
                .toJson());

        assertEquals("pingpong", json.get("mode"));
        assertEquals("tcp://127.0.0.1:8090", json.get("endpoint"));
        assertEquals("epoll", json.get("transport"));
        assertNull(json.get("rate"));
        assertEquals(250_000.0, json.get("ops_per_sec"));
        assertEquals(16.0, json.get("mb_per_sec"), "64e6 bytes in 4 s, in 10^6 bytes");
        @SuppressWarnings("unchecked")
        Map<String, Object> us = (Map<String, Object>) json.get("latency_us");
        assertEquals(
                Map.of(
                        "samples", 1_000_000.0,
                        "mean", 12.5,
                        "p50", 10.0,
                        "p90", 20.25,
                        "p99", 40.0,
                        "p999", 80.0,
                        "max", 1234.568),
                us);
        assertEquals(87.5, json.get("client_cpu_pct"));
        assertTrue(json.containsKey("server_cpu_pct"));
        assertNull(json.get("server_cpu_pct"), "no --server-pid, no server CPU");
        assertNull(json.get("ops_per_server_cpu_s"));
        assertEquals(Boolean.TRUE, json.get("ok"));
    }

    @Test
    void withTheServersCpuTheWorkIsAlsoGivenPerServerCpuSecond() {
        BenchReport report = report(Mode.PINGPONG, "tcp://127.0.0.1:8090", null, 0, List.of(), 50.0);

        Map<String, Object> json = Json.object(report.toJson());

        assertEquals(50.0, json.get("server_cpu_pct"));
        assertEquals(500_000.0, json.get("ops_per_server_cpu_s"), "1,000,000 round trips in 4 s at half a core: 2 s");
        assertTrue(
                report.toText().contains("server cpu   50 % of one core, 500000 round trips per server CPU-second"),
                report.toText());
    }

    @Test
    void textIsEscapedAndAFailedRunSaysSo() {
        String endpoint = "unix:///tmp/a \"quoted\"\\path\n.sock";
        String sample = "mismatch: tab\there";

        Map<String, Object> json = Json.object(
                report(Mode.STREAM, endpoint, null, 3, List.of(sample)).toJson());

        assertEquals(endpoint, json.get("endpoint"));
        assertEquals(List.of(sample), json.get("error_samples"));
        assertTrue(json.containsKey("latency_us"));
        assertNull(json.get("latency_us"));
        assertEquals(3.0, json.get("mismatches"));
        assertEquals(Boolean.FALSE, json.get("ok"));
    }

    @Test
    void theTableNamesTheUnitAndTheProblems() {
        String text = report(Mode.CONNRATE, "tcp://127.0.0.1:8090", new Latency(1, 1, 1, 1, 1, 1, 1), 2, List.of("x"))
                .toText();

        assertTrue(text.contains("1000000 connections, 250000.0/s"), text);
        assertTrue(text.contains("errors 0, mismatches 2"), text);
        assertFalse(text.contains("lost"), "a stream socket has no datagram loss: " + text);
    }
}
