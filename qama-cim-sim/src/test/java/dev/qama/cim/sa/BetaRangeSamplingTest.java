package dev.qama.cim.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.Vartype;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: the default β range of a large factored coupling is estimated from a sample of rows and
 * columns (never O(n²·r)); the estimate stays close to the exact bounds of the dense export.
 */
class BetaRangeSamplingTest {

    @Test
    void sampledBoundsOfALargeLowRankModelMatchTheDenseExport() {
        int n = 3000; // > 512 sampled rows and > 2048 sampled columns
        BinaryQuadraticModel lowRank = TestProblems.lowRank(Vartype.SPIN, n, 16, 99);
        LowRankCoupling c = (LowRankCoupling) lowRank.coupling();
        float[] h = new float[n];
        for (int i = 0; i < n; i++) {
            h[i] = (float) lowRank.linear(i);
        }
        BinaryQuadraticModel dense =
                BinaryQuadraticModel.of(Vartype.SPIN, h, c.toDense(n), lowRank.offset());
        double[] est = BetaRange.deltaBounds(lowRank);
        double[] exact = BetaRange.deltaBounds(dense);
        // the largest row may fall outside the 512 sampled rows (as before the column sampling)
        assertEquals(exact[0], est[0], 0.1 * exact[0], "max |ΔE|");
        assertEquals(exact[3], est[3], 0.1 * exact[3], "rms ΔE");
        assertEquals(exact[2], est[2], "free variables");
        assertTrue(est[1] >= exact[1], "a sampled minimum is never below the true one");
        BetaRange e = BetaRange.defaultFor(lowRank);
        BetaRange x = BetaRange.defaultFor(dense);
        assertEquals(x.hot(), e.hot(), 0.1 * x.hot());
        assertEquals(x.cold(), e.cold(), 0.15 * x.cold());
    }
}
