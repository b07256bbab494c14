package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code qama bench jmh} and {@code qama bench block} hand their arguments to JMH: listing works
 * in-process, mistakes are one-line user errors (nothing is benchmarked here).
 */
class JmhCommandTest {
    static {
        // JMH takes a machine-wide lock (/tmp/jmh.lock) before it matches the patterns, and reads
        // this flag once: a JMH run of another build on this machine must not turn the user error
        // below into a failure
        System.setProperty("jmh.ignoreLock", "true");
    }

    @Test
    void listsTheMatchingBenchmarks() {
        CliRun r = CliRun.of("bench", "jmh", "-l", "AttentionBlock", "Roofline");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(
                r.out().contains("dev.qama.bench.jmh.AttentionBlockBenchmark.forward\n"), r.out());
        assertTrue(r.out().contains("dev.qama.bench.jmh.AttentionBlockBenchmark.forwardBackward"));
        assertTrue(r.out().contains("dev.qama.bench.jmh.RooflineBenchmark.vectorRegisters"));
        assertFalse(r.out().contains("SolverStepBenchmark"), r.out());
    }

    @Test
    void blockListsOnlyTheAttentionBlockBenchmarkWithItsParameters() {
        CliRun r = CliRun.of("bench", "block", "-lp", "-p", "config=8x256x128x8");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("AttentionBlockBenchmark.forwardBackward"), r.out());
        assertTrue(r.out().contains("param \"config\" = {8x256x128x8}"), r.out());
        assertTrue(
                r.out().contains("param \"block\" = {classical, values, selected-keys}"), r.out());
        assertFalse(r.out().contains("Roofline"), r.out());
    }

    @Test
    void mistakesAreOneLineUserErrors() {
        CliRun.assertUserError("bench jmh: ", "bench", "jmh", "-wi", "three");
        CliRun.assertUserError(
                "bench jmh: no benchmark matches [NoSuchThing]", "bench", "jmh", "NoSuchThing");
        CliRun.assertUserError("bench block: ", "bench", "block", "-f", "-1x");
        CliRun.assertUserError("block or jmh", "bench");
    }
}
