package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code qama bench block-pair}: option errors, and a tiny paired run end to end. */
class BlockPairCommandTest {

    @Test
    void badOptionsAreOneLineUserErrors() {
        CliRun.assertUserError(
                "config '2x4x8' is not of the form BxNxExH",
                "bench",
                "block-pair",
                "--config",
                "2x4x8");
        CliRun.assertUserError(
                "'y' is not an integer", "bench", "block-pair", "--config", "2x4x8x2,2xyx8x2");
        CliRun.assertUserError(
                "E = 7 is not divisible by the head count H = 2",
                "bench",
                "block-pair",
                "--config",
                "2x4x7x2");
        CliRun.assertUserError(
                "--block: output mode 'classical'", "bench", "block-pair", "--block", "classical");
        CliRun.assertUserError("--backend 'nosuch'", "bench", "block-pair", "--backend", "nosuch");
        CliRun.assertUserError(
                "--dropout must be in [0, 1), got 1.0", "bench", "block-pair", "--dropout", "1");
        CliRun.assertUserError("--passes must be >= 1", "bench", "block-pair", "--passes", "0");
        CliRun.assertUserError("bad duration '3'", "bench", "block-pair", "--warmup-time", "3");
        CliRun.assertUserError("--coupling: ", "bench", "block-pair", "--coupling", "sparse");
        CliRun.assertUserError("--config: ", "bench", "block", "--paired", "--config", "1x2");
    }

    private static final String[] TINY = {
        "--config", "2x4x8x2", "--passes", "3", "--warmup", "1", "--warmup-time", "0s"
    };

    private static String[] args(String head, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of(head.split(" ")));
        a.addAll(List.of(TINY));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void tinyRunPrintsJsonPerModeWithConsistentRatios() {
        CliRun r = CliRun.of(args("bench block-pair", "--json", "--samples", "--seed", "5"));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("2x4x8x2: warmed up (1 pairs per mode"), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals(2, lines.length, r.out());
        String[] modes = {"forward", "forward-backward"};
        for (int m = 0; m < 2; m++) {
            Map<String, Object> j = MiniJson.object(lines[m]);
            assertEquals("block-pair", j.get("benchmark"));
            assertEquals(modes[m], j.get("mode"));
            assertEquals("2x4x8x2", j.get("config"));
            assertEquals("selected-keys", j.get("block"));
            assertEquals("sb", j.get("backend"));
            assertEquals(3.0, ((Number) j.get("pairs")).doubleValue());
            assertEquals(1.0, ((Number) j.get("warmup_pairs")).doubleValue());
            assertEquals(5.0, ((Number) j.get("seed")).doubleValue());
            assertEquals(0.1, ((Number) j.get("dropout")).doubleValue()); // as written, not 0.1f
            double d = ((Number) j.get("djl_median_ms")).doubleValue();
            double q = ((Number) j.get("qama_median_ms")).doubleValue();
            assertTrue(d > 0 && q > 0, lines[m]);
            assertEquals(q / d, ((Number) j.get("ratio_of_medians")).doubleValue(), 1e-12 * q / d);
            List<?> dj = (List<?>) j.get("djl_ms");
            List<?> qa = (List<?>) j.get("qama_ms");
            assertEquals(3, dj.size());
            assertEquals(3, ((List<?>) j.get("qama_solver_ms")).size());
            // 3 pairs: the per-pair ratios' median is the middle one
            double[] ratios = new double[3];
            for (int i = 0; i < 3; i++) {
                ratios[i] = ((Number) qa.get(i)).doubleValue() / ((Number) dj.get(i)).doubleValue();
            }
            java.util.Arrays.sort(ratios);
            assertEquals(ratios[1], ((Number) j.get("pair_ratio_median")).doubleValue(), 1e-12);
            assertEquals(ratios[0], ((Number) j.get("pair_ratio_q1")).doubleValue(), 1e-12);
            assertEquals(ratios[2], ((Number) j.get("pair_ratio_q3")).doubleValue(), 1e-12);
            double solver = ((Number) j.get("qama_solver_median_ms")).doubleValue();
            assertTrue(solver > 0 && solver <= q * 3, lines[m]);
        }
    }

    @Test
    void pairedFlagOfBlockPrintsTheTable() {
        CliRun r = CliRun.of(args("bench block --paired", "--block", "values"));
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertTrue(lines[0].contains("QamaAttentionBlock (values, backend sb"), r.out());
        assertTrue(lines[0].contains("dropout 0.1, seed 42;"), r.out());
        assertTrue(lines[1].startsWith("2x4x8x2 (B=2 N=4 E=8 H=2)"), r.out());
        for (int m = 0; m < 2; m++) {
            String[] f = lines[3 + m].trim().split("\\s+");
            assertEquals(m == 0 ? "forward" : "forward-backward", f[0], r.out());
            double d = Double.parseDouble(f[1]);
            double q = Double.parseDouble(f[3]);
            double ratio = Double.parseDouble(f[6].replace("x", ""));
            // the printed ratio is that of the printed medians, up to their rounding
            double lo = (q - 0.005) / (d + 0.005);
            double hi = (q + 0.005) / (d - 0.005);
            assertTrue(ratio >= lo - 0.005 && ratio <= hi + 0.005, lines[3 + m]);
        }
    }
}
