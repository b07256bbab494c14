package dev.qama.cim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.kernel.Kernels;
import dev.qama.cim.kernel.SpinSystem;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.spi.StopCondition;
import dev.qama.core.testkit.RandomProblems;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The polish of an attention problem reassigns a whole penalty group (one token's bits across the
 * heads) exactly: it leaves no state from which moving a selection to another head lowers the
 * energy, which single flips cannot promise when the cross-head penalty is strong.
 */
class GroupDescentTest {
    private static AttentionProblem problem(long seed, boolean[] mask) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int heads = 3;
        int tokens = 4;
        AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, 1);
        for (int t = 0; t < heads; t++) {
            b.coupling(t, RandomProblems.denseCoupling(tokens, rnd.nextLong()));
            b.linear(t, RandomProblems.linear(tokens, rnd));
        }
        if (mask != null) {
            b.mask(mask);
        }
        // a penalty strong against the fields: many single-flip minima that a group move escapes
        return b.couplingWeight(0.3).linearWeight(1.0).penaltyWeight(3.0).build();
    }

    /** Whether no reassignment of one token's bits over the heads lowers the energy. */
    private static boolean groupStable(AttentionProblem p, byte[] x) {
        double e = p.energy(x);
        byte[] y = x.clone();
        for (int i = 0; i < p.tokens(); i++) {
            if (p.isMasked(i)) {
                continue;
            }
            for (int m = 0; m < (1 << p.heads()); m++) {
                for (int t = 0; t < p.heads(); t++) {
                    y[p.index(t, i, 0)] = (byte) ((m >> t) & 1);
                }
                if (p.energy(y) < e - 1e-9 * (1 + Math.abs(e))) {
                    return false;
                }
            }
            for (int t = 0; t < p.heads(); t++) {
                y[p.index(t, i, 0)] = x[p.index(t, i, 0)];
            }
        }
        return true;
    }

    @Test
    void descentEndsGroupStableFromEveryStartingState() {
        boolean[][] masks = {null, {false, true, false, false}};
        int improvedBeyondFlips = 0;
        for (boolean[] mask : masks) {
            for (long seed = 1; seed <= 3; seed++) {
                AttentionProblem p = problem(seed, mask);
                SpinSystem sys = SpinSystem.of(p, 1, Kernels.Mode.AUTO);
                int n = p.numVariables();
                int free = 0;
                int[] freeIdx = new int[n];
                for (int v = 0; v < n; v++) {
                    if (p.isFree(v)) {
                        freeIdx[free++] = v;
                    }
                }
                for (int code = 0; code < (1 << free); code++) {
                    byte[] start = new byte[n];
                    for (int a = 0; a < free; a++) {
                        start[freeIdx[a]] = (byte) ((code >> a) & 1);
                    }
                    float[] s = new float[n];
                    for (int v = 0; v < n; v++) {
                        s[v] = start[v] == 1 ? 1f : -1f;
                    }
                    ReplicaTracker tracker = new ReplicaTracker(n, 1);
                    tracker.descend(
                            sys, s, new float[n], new double[1], 1000, StopCondition.never());
                    byte[] out = tracker.states(sys, 1)[0];
                    assertTrue(
                            groupStable(p, out),
                            "seed " + seed + ", start " + code + ": not group-stable");
                    assertTrue(p.energy(out) <= p.energy(start) + 1e-9, "never worse");
                    assertEquals(
                            p.energy(out),
                            tracker.bestEnergy(),
                            1e-4 * (1 + Math.abs(p.energy(out))),
                            "recorded energy");
                    if (singleFlipStable(p, start) && !groupStable(p, start)) {
                        improvedBeyondFlips++;
                    }
                }
            }
        }
        // the problems do have single-flip minima that are not group minima (so single flips
        // alone would fail the assertion above)
        assertTrue(improvedBeyondFlips > 0, "no single-flip minimum to escape");
    }

    private static boolean singleFlipStable(AttentionProblem p, byte[] x) {
        double e = p.energy(x);
        byte[] y = x.clone();
        for (int v = 0; v < y.length; v++) {
            if (!p.isFree(v)) {
                continue;
            }
            y[v] = (byte) (1 - y[v]);
            boolean better = p.energy(y) < e - 1e-9 * (1 + Math.abs(e));
            y[v] = x[v];
            if (better) {
                return false;
            }
        }
        return true;
    }
}
