package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BenchAttentionCommandTest {
    private static final String[] SMALL = {
        "bench",
        "attention",
        "--batch",
        "2",
        "--heads",
        "2",
        "--tokens",
        "6",
        "--dim",
        "2",
        "-s",
        "sb",
        "--repeats",
        "2",
        "--json"
    };

    private static String[] with(String... extra) {
        String[] a = Arrays.copyOf(SMALL, SMALL.length + extra.length);
        System.arraycopy(extra, 0, a, SMALL.length, extra.length);
        return a;
    }

    @Test
    void zeroWarmupTimeRunsExactlyTheWarmupBatches() {
        CliRun r = CliRun.of(with("--warmup", "1", "--warmup-time", "0s"));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"solver\":\"sb\""), r.out());
        assertTrue(r.out().contains("\"repeats\":2"), r.out());
        long timed = Arrays.stream(r.errLines()).filter(l -> l.contains("sb repeat")).count();
        assertEquals(2, timed, r.err());
    }

    @Test
    void badWarmupTimeIsAUserError() {
        CliRun r = CliRun.of(with("--warmup-time", "2x"));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("bad duration '2x'"), r.err());
    }

    @Test
    void formulationIsParsedAndReportedByItsName() {
        CliRun r =
                CliRun.of(
                        with(
                                "--formulation",
                                " Paper_V1 ",
                                "--bits",
                                "2",
                                "--warmup",
                                "1",
                                "--warmup-time",
                                "0s"));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"formulation\":\"paper-v1\""), r.out());
    }
}
