package dev.qama.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.bench.Stats;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answer check of the chaos benchmark (its runs are in ChaosBenchCommandTest). */
class ChaosBenchmarkTest {
    private static BatchResult replace(BatchResult r, int q, SolveResult with) {
        List<SolveResult> rs = new ArrayList<>(r.results());
        rs.set(q, with);
        return new BatchResult(r.backend(), r.seed(), rs, Map.of());
    }

    @Test
    void partialWrongAndShortAnswersAreRefused() {
        ChaosBenchmark.Options o = new ChaosBenchmark.Options();
        o.batch = 3;
        SolveRequest req = ChaosBenchmark.request(o, 7);
        assertEquals(3, req.problems().size());
        BatchResult good;
        try (AnnealerBackend exact = Annealers.create("exact")) {
            good = exact.solve(req);
        }
        double[] expected = new double[3];
        for (int q = 0; q < 3; q++) {
            expected[q] = good.get(q).bestEnergy();
        }
        assertNull(ChaosBenchmark.verify(req, good, expected));

        Problem p1 = req.problems().get(1);
        byte[] best = good.get(1).best();
        // the cancelled job of a server stopping gracefully: the optimum's state, status
        // INTERRUPTED
        SolveResult interrupted =
                SolveResult.of(p1, new byte[][] {best}, SolveStatus.INTERRUPTED, 0);
        assertEquals(
                "problem 1: status INTERRUPTED",
                ChaosBenchmark.verify(req, replace(good, 1, interrupted), expected));
        // a valid state that is not the optimum
        byte[] other = best.clone();
        other[0] = (byte) (other[0] == 0 ? 1 : 0);
        SolveResult worse = SolveResult.of(p1, new byte[][] {other}, SolveStatus.COMPLETED, 0);
        String why = ChaosBenchmark.verify(req, replace(good, 1, worse), expected);
        assertTrue(
                why != null && why.startsWith("problem 1: energy ") && why.contains("known answer"),
                why);
        // an answer to another batch
        BatchResult foreign;
        try (AnnealerBackend exact = Annealers.create("exact")) {
            foreign = exact.solve(ChaosBenchmark.request(o, 8));
        }
        assertTrue(ChaosBenchmark.verify(req, foreign, expected) != null);
        BatchResult shorter = new BatchResult("x", 0, good.results().subList(0, 2), Map.of());
        assertEquals("2 results for 3 problems", ChaosBenchmark.verify(req, shorter, expected));
    }

    @Test
    void quantilesAreNearestRank() {
        double[] v = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
        assertEquals(5, Stats.quantile(v, 0.5));
        assertEquals(9, Stats.quantile(v, 0.9));
        assertEquals(10, Stats.quantile(v, 0.99));
        assertEquals(10, Stats.quantile(v, 1.0));
        assertEquals(3, Stats.quantile(new double[] {3}, 0.5));
        assertTrue(Double.isNaN(Stats.quantile(new double[0], 0.5)));
    }
}
