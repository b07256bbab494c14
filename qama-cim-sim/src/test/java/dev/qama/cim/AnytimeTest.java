package dev.qama.cim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anytime behaviour of {@code sb} and {@code sa} ({@code restarts} = 0, the default): without a
 * time limit a seed gives exactly the single-run result; with one, runs go on until it is spent and
 * the result is never worse than the single run.
 */
class AnytimeTest {

    private static SolveResult solve(
            String name, Map<String, String> opts, BinaryQuadraticModel m, Duration limit) {
        Map<String, String> o = new HashMap<>(opts);
        o.put("threads", "1");
        try (AnnealerBackend b = Annealers.create(name, BackendOptions.of(o))) {
            SolveRequest.Builder req = SolveRequest.builder(List.of(m)).seed(7).reads(2);
            if (limit != null) {
                req.timeLimit(limit);
            }
            return b.solve(req.build()).get(0);
        }
    }

    /** A frustrated 120-spin ±1 glass: one short run misses the ground state. */
    private static BinaryQuadraticModel glass() {
        return TestProblems.model(
                Vartype.SPIN, TestProblems.dense(120, new Random(77)), 0.1, new Random(78));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sb", "sa"})
    void withoutLimitOneRunWithLimitBestOfManyRuns(String name) {
        BinaryQuadraticModel m = glass();
        Map<String, String> shortRun =
                name.equals("sb") ? Map.of("steps", "20") : Map.of("sweeps", "5");
        SolveResult auto = solve(name, shortRun, m, null);
        Map<String, String> once = new HashMap<>(shortRun);
        once.put("restarts", "1");
        SolveResult single = solve(name, once, m, null);
        // no limit: restarts=0 is one run, the same states as restarts=1
        assertEquals(SolveStatus.COMPLETED, auto.status());
        assertArrayEquals(single.best(), auto.best());
        assertEquals(single.bestEnergy(), auto.bestEnergy(), 0.0);
        // restarts=1 with a limit: the limit is only a cap, the result is the single run's
        SolveResult capped = solve(name, once, m, Duration.ofSeconds(30));
        assertEquals(SolveStatus.COMPLETED, capped.status());
        assertArrayEquals(single.best(), capped.best());
        // a limit with restarts auto: run until it is spent (a short run takes well under a
        // millisecond here, so hundreds fit), better than the single run, never worse
        SolveResult anytime = solve(name, shortRun, m, Duration.ofMillis(400));
        assertEquals(SolveStatus.TIME_LIMIT, anytime.status());
        assertEquals(2, anytime.size());
        assertTrue(
                anytime.bestEnergy() < single.bestEnergy() - 1e-9,
                name + ": anytime " + anytime.bestEnergy() + " vs one run " + single.bestEnergy());
        for (int i = 0; i < anytime.size(); i++) {
            assertEquals(m.energy(anytime.state(i)), anytime.energy(i), 1e-9);
        }
    }
}
