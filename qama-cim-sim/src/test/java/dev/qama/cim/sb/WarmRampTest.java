package dev.qama.cim.sb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.TestProblems;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.StopCondition;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code warm-ramp}: the share of the steps a warm-started solve runs. */
class WarmRampTest {
    private static SolveResult solve(String options, Problem p, byte[] warm) {
        SbConfig c =
                SbConfig.fromOptions(
                        SimulatedBifurcation.Variant.AUTO, BackendOptions.parse(options));
        return new SimulatedBifurcation(c).solve(p, 17, 2, warm, StopCondition.never());
    }

    private static void assertSame(SolveResult a, SolveResult b) {
        assertEquals(a.size(), b.size());
        for (int r = 0; r < a.size(); r++) {
            assertArrayEquals(a.state(r), b.state(r), "read " + r);
        }
    }

    @Test
    void aWarmStartedSolveRunsTheGivenShareOfTheSteps() {
        Problem p = TestProblems.attention(3, 20, 1, true, null, new Random(11));
        byte[] warm = new byte[p.numVariables()];
        for (int v = 0; v < warm.length; v++) {
            warm[v] = (byte) (v % 4 == 0 ? 1 : 0);
        }
        // no polish: the states then depend on every step of the ramp
        SolveResult ramp = solve("steps=40,warm-ramp=0.1,polish-rounds=0", p, warm);
        assertSame(solve("steps=4,polish-rounds=0", p, warm), ramp);
        // the full ramp from the same warm start ends elsewhere on at least one read, so the
        // equality above is not the short ramp's and the long one's agreeing by chance
        SolveResult full = solve("steps=40,polish-rounds=0", p, warm);
        boolean differs = false;
        for (int r = 0; r < full.size(); r++) {
            differs |= !Arrays.equals(full.state(r), ramp.state(r));
        }
        assertTrue(differs, "the 4- and 40-step ramps ended in the same states");
        // at least one step, however small the share
        assertSame(
                solve("steps=1,polish-rounds=0", p, warm),
                solve("steps=10,warm-ramp=0.01,polish-rounds=0", p, warm));
    }

    @Test
    void solvesWithoutAWarmStartKeepTheFullRamp() {
        Problem p = TestProblems.attention(3, 20, 1, true, null, new Random(12));
        assertSame(solve("", p, null), solve("warm-ramp=0.25", p, null));
    }

    @Test
    void theShareIsChecked() {
        for (String bad : new String[] {"warm-ramp=0", "warm-ramp=1.5", "warm-ramp=-0.2"}) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> new SbProvider().create(BackendOptions.parse(bad)));
            assertEquals("backend option " + bad + " is out of range (0, 1]", e.getMessage(), bad);
        }
    }
}
