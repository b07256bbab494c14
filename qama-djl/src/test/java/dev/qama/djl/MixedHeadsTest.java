package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The value mixing of VALUES and SELECTED_KEYS ({@link MixedHeads#mix}) equals its formula computed
 * in plain Java, for every mask form the block accepts (the key mask's logit offsets are computed
 * on the host from the mask read with the download when all query rows share it, else derived on
 * the device from the mask tensor; the query–key scores and the per-key terms come out of one
 * product).
 */
class MixedHeadsTest extends PyTorchTest {
    static final int B = 2;
    static final int H = 2;
    static final int N = 5;
    static final int D = 3;
    static final double GAMMA = 0.3;

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** keep[b][i][j]: query i of element b may see key j, for each mask form. */
    static boolean[][][] keep(String mask) {
        boolean[][][] keep = new boolean[B][N][N];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    keep[b][i][j] =
                            switch (mask) {
                                case "none" -> true;
                                case "tokens" -> j != 1 + b; // key 1 of element 0, 2 of 1
                                case "all-masked" -> b == 0; // element 1 sees no key at all
                                default -> j <= i; // causal: every query its own keys
                            };
                }
            }
        }
        return keep;
    }

    static NDList inputs(String mask, boolean[][][] keep) {
        NDArray x = manager.zeros(new Shape(B, N, H * D));
        if (mask.equals("none")) {
            return new NDList(x);
        }
        float[] flags;
        Shape shape;
        if (mask.equals("tokens") || mask.equals("all-masked")) {
            flags = new float[B * N];
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < N; j++) {
                    flags[b * N + j] = keep[b][0][j] ? 1f : 0f;
                }
            }
            shape = new Shape(B, N);
        } else if (mask.equals("causal-offsets-per-head")) {
            // (B, H, N, N): the last head keeps the causal pairs, the others drop everything; a
            // pair is kept if any head keeps it
            flags = new float[B * H * N * N];
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < N; i++) {
                    for (int j = 0; j < N; j++) {
                        for (int t = 0; t < H - 1; t++) {
                            flags[((b * H + t) * N + i) * N + j] = Float.NEGATIVE_INFINITY;
                        }
                        flags[((b * H + H - 1) * N + i) * N + j] = keep[b][i][j] ? 0f : -1e5f;
                    }
                }
            }
            shape = new Shape(B, H, N, N);
        } else {
            boolean offsets = mask.equals("causal-offsets");
            flags = new float[B * N * N];
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < N; i++) {
                    for (int j = 0; j < N; j++) {
                        boolean k = keep[b][i][j];
                        flags[(b * N + i) * N + j] = offsets ? (k ? 0f : -1e5f) : (k ? 1f : 0f);
                    }
                }
            }
            shape = offsets ? new Shape(B, 1, N, N) : new Shape(B, N, N);
        }
        return new NDList(x, manager.create(flags, shape));
    }

    @ParameterizedTest(name = "{0}, queryKeyScores={1}, beta={2}")
    @CsvSource({
        "none, true, 1",
        "tokens, true, 1",
        "tokens, false, 1",
        "causal, true, 1",
        "causal, false, 0.5",
        "causal-offsets, true, 1",
        "causal-offsets-per-head, true, 1",
        "causal-offsets-per-head, false, Infinity",
        "causal, true, Infinity",
        "tokens, true, Infinity",
        "all-masked, true, 1",
        "all-masked, false, Infinity"
    })
    void mixEqualsItsFormula(String mask, boolean queryKeyScores, double beta) {
        boolean[][][] keep = keep(mask);
        int size = B * H * N * D;
        float[] q = random(size, 1);
        float[] k = random(size, 2);
        float[] v = random(size, 3);
        float[] tok = random(B * H * N, 4);
        float[] w = everyThirdLeftOut();
        try (NDManager pass = manager.newSubManager()) {
            Inputs in = parsed(mask, keep, pass);
            MixedHeads heads =
                    new MixedHeads(
                            Dropout.builder().optRate(0f).build(),
                            H,
                            D,
                            beta,
                            GAMMA,
                            () -> 1.0,
                            false,
                            queryKeyScores);
            Shape s4 = new Shape(B, H, N, D);
            NDArray out =
                    heads.mix(
                            new ParameterStore(pass, false),
                            false,
                            in,
                            w,
                            pass.create(tok, new Shape(B, H, N)),
                            pass.create(v, s4),
                            queryKeyScores ? pass.create(q, s4) : null,
                            queryKeyScores ? pass.create(k, s4) : null,
                            null);
            assertEquals(s4, out.getShape());
            float[] got = out.toFloatArray();
            double[] want = reference(keep, q, k, v, tok, w, queryKeyScores, beta);
            for (int p = 0; p < want.length; p++) {
                assertEquals(want[p], got[p], 1e-5 * (1 + Math.abs(want[p])), "entry " + p);
            }
        }
    }

    /**
     * With r·γ = 0 (a fresh block at the start of the selection warm-up, or γ = 0) the energies
     * have no weight: {@link MixedHeads#heads} does not build them (no nodes in the graph), and its
     * output is exactly that of the mix given the energies; otherwise it builds them once.
     */
    @ParameterizedTest(name = "{0}, r={1}, gamma={2}")
    @CsvSource({"none, 0, 0.3", "tokens, 1, 0", "causal, 0, 0.3", "none, 1, 0.3", "tokens, 0.5, 1"})
    void energiesAreBuiltOnlyWhenTheyWeigh(String mask, double r, double gamma) {
        boolean[][][] keep = keep(mask);
        int size = B * H * N * D;
        Shape s3 = new Shape(B, H, N);
        Shape s4 = new Shape(B, H, N, D);
        float[] w = everyThirdLeftOut();
        try (NDManager pass = manager.newSubManager()) {
            Inputs in = parsed(mask, keep, pass);
            MixedHeads heads =
                    new MixedHeads(
                            Dropout.builder().optRate(0f).build(),
                            H,
                            D,
                            1.0,
                            gamma,
                            () -> r,
                            false,
                            true);
            NDArray wArr = pass.create(w, s3);
            NDArray tok = pass.create(random(B * H * N, 4), s3);
            NDArray q = pass.create(random(size, 1), s4);
            NDArray k = pass.create(random(size, 2), s4);
            NDArray v = pass.create(random(size, 3), s4);
            int[] built = {0};
            HeadTerms.Prepared terms =
                    new HeadTerms.Prepared() {
                        @Override
                        public dev.qama.core.formulation.Formulation formulation() {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public dev.qama.core.formulation.AttentionInputs inputs() {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public NDArray tokenEnergies(NDArray at) {
                            built[0]++;
                            return tok;
                        }

                        @Override
                        public NDArray directions() {
                            throw new UnsupportedOperationException();
                        }
                    };
            HeadOutput.Selection sel =
                    new HeadOutput.Selection(
                            terms,
                            w,
                            () -> wArr,
                            () -> {
                                throw new AssertionError("the mix asks for the energies' keys");
                            },
                            q,
                            k,
                            v);
            ParameterStore ps = new ParameterStore(pass, false);
            float[] got = heads.heads(ps, false, in, sel).toFloatArray();
            assertEquals(r * gamma == 0 ? 0 : 1, built[0], "energies built");
            float[] want = heads.mix(ps, false, in, w, tok, v, q, k, null).toFloatArray();
            assertArrayEquals(want, got);
        }
    }

    /** A selection w (B, H, N) that leaves out every third key (flat index divisible by 3). */
    static float[] everyThirdLeftOut() {
        float[] w = new float[B * H * N];
        for (int p = 0; p < w.length; p++) {
            w[p] = p % 3 == 0 ? 0f : 1f;
        }
        return w;
    }

    /** The block's parsed inputs for {@code mask}, with the mask read as a forward pass does. */
    static Inputs parsed(String mask, boolean[][][] keep, NDManager pass) {
        Inputs in = Inputs.parse(inputs(mask, keep), H * D, H);
        NDArray m = in.maskTensor(pass);
        in.readMask(m == null ? null : m.toFloatArray());
        return in;
    }

    /** The formula of {@link MixedHeads#mix} in plain Java (double precision). */
    static double[] reference(
            boolean[][][] keep,
            float[] q,
            float[] k,
            float[] v,
            float[] tok,
            float[] w,
            boolean queryKeyScores,
            double beta) {
        double[] out = new double[B * H * N * D];
        double[] logit = new double[N];
        boolean[] in = new boolean[N];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < H; t++) {
                int bt = b * H + t;
                double count = 0;
                for (int j = 0; j < N; j++) {
                    count += w[bt * N + j];
                }
                count = Math.max(1, count);
                for (int i = 0; i < N; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < N; j++) {
                        double wj = w[bt * N + j];
                        // a key no query of the element keeps is masked for all
                        boolean anyKeeps = false;
                        for (int r = 0; r < N; r++) {
                            anyKeeps |= keep[b][r][j];
                        }
                        in[j] = keep[b][i][j] && anyKeeps && (wj > 0 || beta < 1e9);
                        if (!in[j]) {
                            continue;
                        }
                        double a = 0;
                        if (queryKeyScores) {
                            for (int c = 0; c < D; c++) {
                                a += (double) q[(bt * N + i) * D + c] * k[(bt * N + j) * D + c];
                            }
                            a /= Math.sqrt(D);
                        }
                        double sel = wj > 0 ? Math.log(wj) : -beta;
                        logit[j] = a - GAMMA * tok[bt * N + j] / count + sel;
                        max = Math.max(max, logit[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < N; j++) {
                        z += in[j] ? Math.exp(logit[j] - max) : 0;
                    }
                    for (int j = 0; j < N; j++) {
                        if (!in[j]) {
                            continue;
                        }
                        double alpha = Math.exp(logit[j] - max) / z;
                        for (int c = 0; c < D; c++) {
                            out[(bt * N + i) * D + c] += alpha * v[(bt * N + j) * D + c];
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The selection offsets skip the log where it is not used or is log 1: the values must be those
     * of r·(float) log w for w &gt; 0 and the unselected offset otherwise, to the last bit.
     */
    @Test
    void selectionOffsetsAreTheLogToTheLastBit() {
        float[] w = {0f, 1f, 0.5f, 0.25f, 0.75f, 1e-30f, 3f, -0.5f, Float.NaN, 1f, 0f, 0.999f};
        for (double r : new double[] {1, 0.3, 1.0 / 300, 0}) {
            float rf = (float) r;
            float unselected = (float) -(r * 1.0);
            float[] got = MixedHeads.selectionOffsets(w, r, unselected);
            for (int p = 0; p < w.length; p++) {
                float logW = (float) Math.log(w[p]);
                float want = w[p] > 0f ? (r == 1 ? logW : logW * rf) : unselected;
                assertEquals(
                        Float.floatToRawIntBits(want),
                        Float.floatToRawIntBits(got[p]),
                        "w = " + w[p] + ", r = " + r);
            }
        }
    }
}
