package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code qama bench chaos} against real {@code qama serve} child JVMs on loopback. */
class ChaosBenchCommandTest {
    private static int integer(Map<String, Object> j, String key) {
        return ((Number) j.get(key)).intValue();
    }

    private static double number(Map<String, Object> j, String key) {
        return ((Number) j.get(key)).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void killingOneOfTwoServersMidLoadLosesNoBatch() {
        // 2 servers, 4 clients x 5 batches of 4 attention problems (16 spins, exact), cold servers
        // (no warm-up: their first batches take hundreds of ms, so the kill lands mid-batch)
        CliRun r =
                CliRun.of(
                        "bench",
                        "chaos",
                        "--servers",
                        "2",
                        "--clients",
                        "4",
                        "--batches",
                        "5",
                        "--warmup",
                        "0",
                        "--kill-after",
                        "150ms",
                        "--time-limit",
                        "60s",
                        "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> j = MiniJson.object(r.out().strip());
        assertEquals(20, integer(j, "planned"));
        assertEquals(20, integer(j, "submitted"));
        assertEquals(20, integer(j, "completed"));
        assertEquals(0, integer(j, "lost"));
        assertEquals(0, integer(j, "duplicated"));
        assertEquals(0, integer(j, "wrong"));
        assertEquals(integer(j, "submitted"), integer(j, "completed") + integer(j, "lost"));
        Map<String, Object> served = (Map<String, Object>) j.get("served_by");
        assertEquals(20, served.values().stream().mapToInt(v -> ((Number) v).intValue()).sum());
        List<Object> faults = (List<Object>) j.get("faults");
        assertEquals(1, faults.size());
        Map<String, Object> kill = (Map<String, Object>) faults.get(0);
        assertEquals("kill", kill.get("kind"));
        assertTrue(number(kill, "at_seconds") < number(j, "wall_seconds"), r.out());
        assertEquals(List.of(), j.get("faults_missed"));
        // the killed server had work or was tried afterwards: some batch needed a second attempt
        assertTrue(integer(j, "retried") >= 1, r.out());
        assertTrue(number(j, "p50_ms") <= number(j, "p90_ms"));
        assertTrue(number(j, "p90_ms") <= number(j, "p99_ms"));
        assertTrue(number(j, "p99_ms") <= number(j, "max_ms"));
        // everything it started is stopped
        for (Object pid : (List<Object>) j.get("server_pids")) {
            long p = ((Number) pid).longValue();
            assertFalse(
                    ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false),
                    "server pid " + p + " still alive");
        }
    }

    @Test
    void badOptionsAreOneLineErrorsBeforeAnythingStarts() {
        CliRun.assertUserError(
                "1 fault(s) need --servers >= 2, got 1",
                "bench",
                "chaos",
                "--servers",
                "1",
                "--kill-after",
                "1s");
        CliRun.assertUserError(
                "2 fault(s) need --servers >= 3, got 2",
                "bench",
                "chaos",
                "--servers",
                "2",
                "--kill-after",
                "1s",
                "--stop-after",
                "2s");
        CliRun.assertUserError("--clients must be >= 1, got 0", "bench", "chaos", "--clients", "0");
        CliRun.assertUserError("--solver", "bench", "chaos", "--solver", "no-such");
        CliRun.assertUserError("--heads and --tokens", "bench", "chaos", "--tokens", "0");
    }
}
