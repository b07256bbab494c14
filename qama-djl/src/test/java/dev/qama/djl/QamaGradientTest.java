package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.djl.QamaAttentionBlock.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The energy gradient: autograd through the recomputed energy equals finite differences of
 * qama-core's energy (and, for paper-v2, the closed form) at a fixed selection; and the gradient of
 * the block's output equals finite differences of the block itself with the selection held fixed.
 */
class QamaGradientTest {
    static final int B = 2;
    static final int H = 2;
    static final int N = 4;
    static final int D = 3;
    static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static float[] random(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** A fixed state: deterministic pattern of bits, none on masked tokens. */
    static byte[] pattern(AttentionProblem p) {
        byte[] x = new byte[p.numVariables()];
        for (int v = 0; v < x.length; v++) {
            x[v] = (byte) (p.isFree(v) && (v * 7 + 3) % 5 < 3 ? 1 : 0);
        }
        return x;
    }

    static HeadTerms terms(Formulation f, int bits, CouplingForm form) {
        return f == Formulation.PAPER_V2
                ? new PaperV2Terms(bits, 1.3, 0.16, 0.8, form)
                : new PaperV1Terms(bits, 1.1, 0.7, 2.0);
    }

    static NDArray arr(float[] a, long... shape) {
        return manager.create(a, new Shape(shape));
    }

    /** Σ_b E_b(x*) from qama-core at inputs (q, k, v, e), with the states fixed. */
    static double coreEnergy(HeadTerms t, float[] q, float[] k, float[] v, float[] e, byte[][] x) {
        try (NDManager sub = manager.newSubManager()) {
            HeadTerms.Prepared p =
                    t.prepare(
                            sub.create(q, new Shape(B, H, N, D)),
                            sub.create(k, new Shape(B, H, N, D)),
                            sub.create(v, new Shape(B, H, N, D)),
                            e == null ? null : sub.create(e, new Shape(D)));
            double sum = 0;
            for (int b = 0; b < B; b++) {
                sum += p.problem(b, new boolean[N]).energy(x[b]);
            }
            return sum;
        }
    }

    @ParameterizedTest
    @CsvSource({
        "PAPER_V2, 1, DENSE",
        "PAPER_V2, 1, FACTORED",
        "PAPER_V2, 2, FACTORED",
        "PAPER_V1, 2, DENSE"
    })
    void energyGradientEqualsFiniteDifferencesOfTheCoreEnergy(
            Formulation f, int bits, CouplingForm form) {
        HeadTerms t = terms(f, bits, form);
        int size = B * H * N * D;
        float[] q = random(size, 1, 1);
        float[] k = random(size, 2, 1);
        float[] v = random(size, 3, 1);
        float[] e = f == Formulation.PAPER_V2 ? random(D, 4, 1) : null;
        NDArray qa = arr(q, B, H, N, D);
        NDArray ka = arr(k, B, H, N, D);
        NDArray va = arr(v, B, H, N, D);
        NDArray ea = e == null ? null : arr(e, D);
        byte[][] x = new byte[B][];
        double penalty = 0;
        NDArray[] grads;
        float[] tokens;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (NDArray a : new NDArray[] {qa, ka, va, ea}) {
                if (a != null) {
                    a.setRequiresGradient(true);
                }
            }
            HeadTerms.Prepared p = t.prepare(qa, ka, va, ea);
            float[] w = new float[B * H * N];
            for (int b = 0; b < B; b++) {
                AttentionProblem problem = p.problem(b, new boolean[N]);
                x[b] = pattern(problem);
                double[] wb = problem.weights(x[b]);
                for (int i = 0; i < wb.length; i++) {
                    w[b * wb.length + i] = (float) wb[i];
                }
                penalty += problem.penaltyWeight() * problem.penaltyPairs(x[b]);
            }
            NDArray tok = p.tokenEnergies(arr(w, B, H, N));
            tokens = tok.toFloatArray();
            churnDirectMemory(); // scalars the graph still needs must survive this
            gc.backward(tok.sum());
            grads =
                    new NDArray[] {
                        qa.getGradient(),
                        ka.getGradient(),
                        va.getGradient(),
                        ea == null ? null : ea.getGradient()
                    };
        }
        // value: Σ per-token energies + penalty = the core energy
        double sumTok = 0;
        for (float v0 : tokens) {
            sumTok += v0;
        }
        double core = coreEnergy(t, q, k, v, e, x);
        assertEquals(core, sumTok + penalty, 1e-4 * Math.max(1, Math.abs(core)));

        float[][] inputs = {q, k, v, e};
        String[] names = {"Q", "K", "V", "e"};
        float delta = 1e-2f;
        for (int which = 0; which < 4; which++) {
            float[] in = inputs[which];
            if (in == null) {
                continue;
            }
            float[] g = grads[which].toFloatArray();
            double max = 1e-3;
            for (float gv : g) {
                max = Math.max(max, Math.abs(gv));
            }
            for (int m = 0; m < in.length; m++) {
                float old = in[m];
                in[m] = old + delta;
                double plus = coreEnergy(t, q, k, v, e, x);
                in[m] = old - delta;
                double minus = coreEnergy(t, q, k, v, e, x);
                in[m] = old;
                double fd = (plus - minus) / (2 * delta);
                assertEquals(fd, g[m], 2e-3 * max + 1e-4, names[which] + "[" + m + "] " + f);
            }
        }
        if (f == Formulation.PAPER_V2 && bits == 1) {
            checkClosedFormV2(q, k, v, e, x, grads);
        }
    }

    /**
     * Collects garbage and reuses freed direct memory, so that a tensor autograd saved over a Java
     * buffer that DJL already released (NDArray.mul(Number)) would be overwritten.
     */
    static void churnDirectMemory() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            java.util.List<java.nio.ByteBuffer> junk = new java.util.ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4);
                b.putFloat(0, 12345f);
                junk.add(b);
            }
            try (NDManager sub = manager.newSubManager()) {
                for (int i = 0; i < 200; i++) {
                    sub.create(12345f);
                }
            }
        }
    }

    /**
     * ∂E/∂Q_i = −(a/√d) x_i Σ_{j≠i} x_j K_j, ∂E/∂K_j = −(a/√d) x_j Σ_{i≠j} x_i Q_i, ∂E/∂V_i =
     * −(b/d) x_i e, ∂E/∂e = −(b/d) Σ_{b,t,i} x_i V_i with a = 1.3, b = 0.16·N.
     */
    static void checkClosedFormV2(
            float[] q, float[] k, float[] v, float[] e, byte[][] x, NDArray[] grads) {
        double a = 1.3;
        double bw = 0.16 * N;
        double s = 1 / Math.sqrt(D);
        float[] gq = grads[0].toFloatArray();
        float[] gk = grads[1].toFloatArray();
        float[] gv = grads[2].toFloatArray();
        float[] ge = grads[3].toFloatArray();
        double[] expectE = new double[D];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < H; t++) {
                for (int i = 0; i < N; i++) {
                    int xi = x[b][t * N + i];
                    for (int c = 0; c < D; c++) {
                        double sq = 0;
                        double sk = 0;
                        for (int j = 0; j < N; j++) {
                            if (j != i) {
                                int xj = x[b][t * N + j];
                                sq += xj * k[((b * H + t) * N + j) * D + c];
                                sk += xj * q[((b * H + t) * N + j) * D + c];
                            }
                        }
                        int idx = ((b * H + t) * N + i) * D + c;
                        assertEquals(-a * s * xi * sq, gq[idx], 1e-4, "dQ closed form");
                        assertEquals(-a * s * xi * sk, gk[idx], 1e-4, "dK closed form");
                        assertEquals(-bw / D * xi * e[c], gv[idx], 1e-4, "dV closed form");
                        expectE[c] += -bw / D * xi * v[idx];
                    }
                }
            }
        }
        for (int c = 0; c < D; c++) {
            assertEquals(expectE[c], ge[c], 1e-4, "de closed form");
        }
    }

    @ParameterizedTest
    @CsvSource({"PAPER_V2, PAPER", "PAPER_V2, VALUES", "PAPER_V1, PAPER", "PAPER_V1, VALUES"})
    void blockGradientEqualsFiniteDifferencesAtAFixedSelection(Formulation f, OutputMode mode) {
        int e = H * D;
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(e)
                        .setHeadCount(H)
                        .optAttentionProbsDropoutProb(0f)
                        .optFormulation(f)
                        .optBits(f == Formulation.PAPER_V2 ? 1 : 2)
                        .optOutputMode(mode)
                        .optBackend(new ExactTestBackend(QamaGradientTest::pattern))
                        .build();
        manager.getEngine().setRandomSeed(3);
        block.initialize(manager, DataType.FLOAT32, new Shape(B, N, e));
        float[] x = random(B * N * e, 5, 1);
        float[] r = random(B * N * e, 6, 1);
        NDArray rArr = arr(r, B, N, e);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray xa = arr(x, B, N, e);
        float[] g;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            xa.setRequiresGradient(true);
            NDArray out = block.forward(ps, new NDList(xa), true).head();
            gc.backward(out.mul(rArr).sum());
            g = xa.getGradient().toFloatArray();
        }
        double max = 1e-3;
        for (float gv : g) {
            max = Math.max(max, Math.abs(gv));
        }
        assertTrue(max > 1e-2, "the gradient must not vanish, max " + max);
        float delta = 1e-2f;
        for (int m = 0; m < x.length; m++) {
            float old = x[m];
            x[m] = old + delta;
            double plus = loss(block, ps, x, rArr);
            x[m] = old - delta;
            double minus = loss(block, ps, x, rArr);
            x[m] = old;
            double fd = (plus - minus) / (2 * delta);
            assertEquals(fd, g[m], 5e-3 * max + 1e-3, "x[" + m + "] " + f + " " + mode);
        }
    }

    static double loss(QamaAttentionBlock block, ParameterStore ps, float[] x, NDArray r) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray xa = sub.create(x, new Shape(B, N, H * D));
            return block.forward(ps, new NDList(xa), false).head().mul(r).sum().getFloat();
        }
    }
}
