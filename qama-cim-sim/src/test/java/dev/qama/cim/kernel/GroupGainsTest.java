package dev.qama.cim.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Vector API scan of the group polish chooses the same group and count, with the same gain and
 * scale to the last bit, as the scalar scan, and its sorting network sorts.
 */
class GroupGainsTest {
    @Test
    void networkSortsEveryZeroOneInput() {
        for (int n = 1; n <= 16; n++) {
            int[][] net = VectorGroupGains.network(n);
            // 0-1 principle: a comparator network that sorts every 0/1 sequence sorts everything
            for (int code = 0; code < (1 << n); code++) {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (code >> i) & 1;
                }
                for (int k = 0; k < net[0].length; k++) {
                    int lo = net[0][k];
                    int hi = net[1][k];
                    assertTrue(lo < hi && hi < n, "comparator out of range");
                    if (a[lo] > a[hi]) {
                        int t = a[lo];
                        a[lo] = a[hi];
                        a[hi] = t;
                    }
                }
                for (int i = 1; i < n; i++) {
                    assertTrue(a[i - 1] <= a[i], "n=" + n + " input " + code);
                }
            }
        }
    }

    @Test
    void vectorScanMatchesScalarScanBitForBit() {
        Assumptions.assumeTrue(Kernels.vectorAvailable(), "Vector API module not loaded");
        SplittableRandom rnd = new SplittableRandom(42);
        int moves = 0;
        for (int trial = 0; trial < 400; trial++) {
            int size = 2 + rnd.nextInt(9);
            int count = 1 + rnd.nextInt(40);
            int reps = 1 + rnd.nextInt(3);
            int n = size * count + rnd.nextInt(5); // some spins in no group
            int[] perm = new int[n];
            for (int v = 0; v < n; v++) {
                perm[v] = v;
            }
            for (int v = n - 1; v > 0; v--) {
                int u = rnd.nextInt(v + 1);
                int t = perm[v];
                perm[v] = perm[u];
                perm[u] = t;
            }
            int[] spins = Arrays.copyOf(perm, size * count);
            // coarse values: many ties between fields and between the gains of groups
            float coupling = (rnd.nextInt(8) + 1) * 0.25f;
            SpinSystem.Groups groups = new SpinSystem.Groups(size, spins, coupling);
            float[] s = new float[n * reps];
            float[] g = new float[n * reps];
            float step = trial % 2 == 0 ? 0.5f : 0.013f;
            for (int m = 0; m < s.length; m++) {
                s[m] = rnd.nextBoolean() ? 1f : -1f;
                int q = rnd.nextInt(13) - 6;
                g[m] = q == 0 && rnd.nextBoolean() ? -0f : q * step;
            }
            GroupGains scalar = GroupGains.create(groups, false);
            GroupGains vector = GroupGains.create(groups, true);
            assertTrue(vector instanceof VectorGroupGains);
            for (int c = 0; c < reps; c++) {
                int a = scalar.best(s, g, reps, c);
                int b = vector.best(s, g, reps, c);
                String where = "trial " + trial + " replica " + c;
                assertEquals(a, b, where);
                assertEquals(scalar.bestM(), vector.bestM(), where);
                assertEquals(
                        Float.floatToRawIntBits(scalar.bestGain()),
                        Float.floatToRawIntBits(vector.bestGain()),
                        where);
                assertEquals(
                        Float.floatToRawIntBits(scalar.scale()),
                        Float.floatToRawIntBits(vector.scale()),
                        where);
                float[] s1 = s.clone();
                float[] s2 = s.clone();
                boolean m1 = scalar.apply(s1, g, reps, c);
                assertEquals(m1, vector.apply(s2, g, reps, c), where);
                assertArrayEquals(s1, s2, where);
                moves += m1 ? 1 : 0;
            }
        }
        assertTrue(moves > 100, "too few improving moves to compare: " + moves);
    }
}
