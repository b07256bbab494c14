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
import dev.qama.core.formulation.AttentionGradient;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.formulation.PaperV1Formulation;
import dev.qama.core.formulation.PaperV2Formulation;
import dev.qama.core.formulation.V1CouplingMode;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The energy gradient: autograd through the recomputed energy equals finite differences of
 * qama-core's energy (and, for paper-v2, the closed form) at a fixed selection; and the gradient of
 * the block's output equals finite differences of the block itself with the selection held fixed.
 */
class QamaGradientTest extends PyTorchTest {
    static final int B = 2;
    static final int H = 2;
    static final int N = 4;
    static final int D = 3;

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

    static final float[] ONES = {1f, 1f, 1f};

    /** Token 1 of batch element 0 and token 3 of batch element 1 are masked. */
    static final boolean[] MASK = {false, true, false, false, false, false, false, true};

    static HeadTerms terms(Formulation f, int bits, CouplingForm form, V1CouplingMode mode) {
        if (f == Formulation.PAPER_V2) {
            return new PaperV2Terms(
                    PaperV2Formulation.builder()
                            .bits(bits)
                            .couplingScale(1.3)
                            .linearScale(0.16)
                            .penaltyScale(0.8)
                            .couplingForm(form)
                            .valueImportance(ONES)
                            .build());
        }
        return new PaperV1Terms(
                PaperV1Formulation.builder()
                        .bits(bits)
                        .couplingScale(1.1)
                        .linearScale(0.7)
                        .multiHeadPenalty(2.0)
                        .couplingMode(mode)
                        .longRangeWeight(mode == V1CouplingMode.DIVERGENCE ? 0.4 : 0.0)
                        .build());
    }

    static NDArray arr(float[] a, long... shape) {
        return manager.create(a, new Shape(shape));
    }

    static HeadTerms.Prepared prepare(
            NDManager m, HeadTerms t, float[] q, float[] k, float[] v, float[] e, boolean[] mask) {
        return prepare(
                t,
                m.create(q, new Shape(B, H, N, D)),
                m.create(k, new Shape(B, H, N, D)),
                m.create(v, new Shape(B, H, N, D)),
                e == null ? null : m.create(e, new Shape(D)),
                mask);
    }

    static HeadTerms.Prepared prepare(
            HeadTerms t, NDArray q, NDArray k, NDArray v, NDArray e, boolean[] mask) {
        return t.prepare(q, k, v, e, Host.Heads.of(q, k, v, e), mask);
    }

    /** Σ_b E_b(x*) from qama-core at inputs (q, k, v, e), with the states fixed. */
    static double coreEnergy(
            HeadTerms t, float[] q, float[] k, float[] v, float[] e, boolean[] mask, byte[][] x) {
        try (NDManager sub = manager.newSubManager()) {
            HeadTerms.Prepared p = prepare(sub, t, q, k, v, e, mask);
            double sum = 0;
            for (int b = 0; b < B; b++) {
                sum += p.problem(b).energy(x[b]);
            }
            return sum;
        }
    }

    /** What the autograd side is contracted with. */
    enum Objective {
        /** Σ H + penalty = E: compared with {@code gradient(in, b, x)}. */
        ENERGY,
        /** Σ g·H with random g: compared with {@code gradient(in, b, x, g)}. */
        TOKEN_WEIGHTED,
        /**
         * The PAPER output O = H·r contracted with a random cotangent G: compared with {@code
         * gradient(in, b, x, g)}, g = G·r, plus the direct term of r (v2: ∂/∂e = Σ H G).
         */
        PAPER_OUTPUT
    }

    @ParameterizedTest
    @CsvSource({
        "PAPER_V2, 1, DENSE, SIMILARITY",
        "PAPER_V2, 1, LOW_RANK, SIMILARITY",
        "PAPER_V2, 2, LOW_RANK, SIMILARITY",
        "PAPER_V2, 2, DENSE, SIMILARITY",
        "PAPER_V1, 2, DENSE, SIMILARITY",
        "PAPER_V1, 1, DENSE, DIVERGENCE"
    })
    void autogradEqualsTheCoreClosedFormAndFiniteDifferences(
            Formulation f, int bits, CouplingForm form, V1CouplingMode mode) {
        HeadTerms t = terms(f, bits, form, mode);
        int size = B * H * N * D;
        float[] q = random(size, 1, 1);
        float[] k = random(size, 2, 1);
        float[] v = random(size, 3, 1);
        float[] e = f == Formulation.PAPER_V2 ? random(D, 4, 1) : null;
        for (boolean[] mask : new boolean[][] {null, MASK}) {
            for (Objective o : Objective.values()) {
                check(f, t, q, k, v, e, mask, o);
            }
        }
    }

    /**
     * Paper-v2's key terms (one upload of host constants, {@link HeadTerms.Prepared#keyTerms})
     * equal offset + factor·H computed from the per-token energies ({@link HeadTerms#keyTerms}), in
     * value and in the gradient of Q, K, V and e, with and without a mask (with it the linear
     * weight differs between the batch elements), for inputs laid out as the block's (views of (B,
     * N, E) projections) and as plain (B, H, N, d) arrays.
     */
    @ParameterizedTest
    @CsvSource({"1, false", "1, true", "2, false", "2, true"})
    void fusedKeyTermsEqualTheEnergiesTimesTheFactorPlusTheOffsets(int bits, boolean views) {
        HeadTerms t = terms(Formulation.PAPER_V2, bits, CouplingForm.LOW_RANK, null);
        int size = B * H * N * D;
        float[] e = random(D, 4, 1);
        float[] factor = random(B * H, 5, 1);
        float[] offset = random(B * H * N, 6, 1);
        float[] cot = random(B * H * N, 7, 1);
        for (boolean[] mask : new boolean[][] {null, MASK}) {
            float[][][] got = new float[2][][];
            for (int fused = 0; fused < 2; fused++) {
                try (NDManager sub = manager.newSubManager()) {
                    NDArray[] leaves = new NDArray[4];
                    for (int i = 0; i < 3; i++) {
                        float[] x = random(size, 1 + i, 1);
                        leaves[i] =
                                views
                                        ? sub.create(x, new Shape(B, N, H * D))
                                        : sub.create(x, new Shape(B, H, N, D));
                    }
                    leaves[3] = sub.create(e, new Shape(D));
                    float[] w;
                    NDArray keys;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        for (NDArray a : leaves) {
                            a.setRequiresGradient(true);
                        }
                        NDArray[] heads = new NDArray[3];
                        for (int i = 0; i < 3; i++) {
                            heads[i] =
                                    views
                                            ? leaves[i].reshape(B, N, H, D).transpose(0, 2, 1, 3)
                                            : leaves[i];
                        }
                        HeadTerms.Prepared p =
                                prepare(t, heads[0], heads[1], heads[2], leaves[3], mask);
                        if (views && fused == 1) { // as the block hands them over
                            p.tokenMajor(
                                    leaves[0].reshape(B, N, H, D),
                                    leaves[1].reshape(B, N, H, D),
                                    leaves[2].reshape(B, N, H, D));
                        }
                        w = new float[B * H * N];
                        for (int b = 0; b < B; b++) {
                            AttentionProblem problem = p.problem(b);
                            double[] wb = problem.weights(pattern(problem));
                            for (int i = 0; i < wb.length; i++) {
                                w[b * wb.length + i] = (float) wb[i];
                            }
                        }
                        float[] hostW = w;
                        NDArray wArr = sub.create(w, new Shape(B, H, N));
                        keys =
                                fused == 1
                                        ? p.keyTerms(
                                                () -> {
                                                    throw new AssertionError("w uploaded");
                                                },
                                                hostW,
                                                factor,
                                                offset)
                                        : HeadTerms.keyTerms(p.tokenEnergies(wArr), factor, offset);
                        assertEquals(new Shape(B, H, 1, N), keys.getShape());
                        gc.backward(keys.mul(sub.create(cot, new Shape(B, H, 1, N))).sum());
                    }
                    got[fused] = new float[5][];
                    got[fused][0] = keys.toFloatArray();
                    for (int i = 0; i < 4; i++) {
                        got[fused][1 + i] = leaves[i].getGradient().toFloatArray();
                    }
                }
            }
            for (int part = 0; part < 5; part++) {
                for (int i = 0; i < got[0][part].length; i++) {
                    float want = got[0][part][i];
                    assertEquals(
                            want,
                            got[1][part][i],
                            1e-5 * (1 + Math.abs(want)),
                            "part " + part + " entry " + i + " mask=" + (mask != null));
                }
            }
        }
    }

    /**
     * Paper-v2's key terms equal, in value and in the gradients of Q, K, V and e, to the last bit,
     * the bracket written out with a subtraction, F = Σ_c q·(Kᵀa − k·c) + k·(Qᵀa) + v·e·b/d with a
     * = (α/2)·w and c = α·w: the block computes k·(−c) and adds it (no negation of a gradient in
     * the backward pass), which must not change a single bit (x − y·c = x + y·(−c) exactly). So
     * must the in-place bracket of an inference pass ({@link HeadTerms.Prepared#inference}), in
     * value with and without autograd recording, and in the gradients when a caller records it.
     */
    @ParameterizedTest
    @CsvSource({"false", "true"})
    void keyTermsAreTheSubtractedBracketToTheLastBit(boolean masked) {
        HeadTerms t = terms(Formulation.PAPER_V2, 1, CouplingForm.LOW_RANK, null);
        int size = B * H * N * D;
        boolean[] mask = masked ? MASK : null;
        float[] factor = random(B * H, 5, 1);
        float[] offset = random(B * H * N, 6, 1);
        float[] cot = random(B * H * N, 7, 1);
        // 0: the block's training form, 1: with the subtraction, 2: the in-place inference form
        // recorded by autograd, 3: the in-place form unrecorded (values only)
        float[][][] got = new float[4][][];
        for (int form = 0; form < 4; form++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray[] leaves = new NDArray[4];
                for (int i = 0; i < 3; i++) {
                    leaves[i] = sub.create(random(size, 1 + i, 1), new Shape(B, N, H * D));
                }
                leaves[3] = sub.create(random(D, 4, 1), new Shape(D));
                NDArray keys;
                GradientCollector gc =
                        form == 3 ? null : Engine.getInstance().newGradientCollector();
                try {
                    for (NDArray a : leaves) {
                        a.setRequiresGradient(gc != null);
                    }
                    NDArray qn = leaves[0].reshape(B, N, H, D);
                    NDArray kn = leaves[1].reshape(B, N, H, D);
                    NDArray vn = leaves[2].reshape(B, N, H, D);
                    HeadTerms.Prepared p =
                            prepare(
                                    t,
                                    qn.transpose(0, 2, 1, 3),
                                    kn.transpose(0, 2, 1, 3),
                                    vn.transpose(0, 2, 1, 3),
                                    leaves[3],
                                    mask);
                    p.tokenMajor(qn, kn, vn); // as the block hands them over
                    if (form >= 2) {
                        p.inference();
                    }
                    float[] w = new float[B * H * N];
                    for (int b = 0; b < B; b++) {
                        AttentionProblem problem = p.problem(b);
                        double[] wb = problem.weights(pattern(problem));
                        for (int i = 0; i < wb.length; i++) {
                            w[b * wb.length + i] = (float) wb[i];
                        }
                    }
                    if (form != 1) {
                        keys =
                                p.keyTerms(
                                        () -> {
                                            throw new AssertionError("w uploaded");
                                        },
                                        w,
                                        factor,
                                        offset);
                    } else {
                        keys = subtractedBracket(sub, p, qn, kn, vn, leaves[3], w, factor, offset);
                    }
                    if (gc != null) {
                        gc.backward(keys.mul(sub.create(cot, new Shape(B, H, 1, N))).sum());
                    }
                } finally {
                    if (gc != null) {
                        gc.close();
                    }
                }
                got[form] = new float[form == 3 ? 1 : 5][];
                got[form][0] = keys.toFloatArray();
                for (int i = 0; i < got[form].length - 1; i++) {
                    got[form][1 + i] = leaves[i].getGradient().toFloatArray();
                }
            }
        }
        for (int form : new int[] {0, 2, 3}) {
            for (int part = 0; part < got[form].length; part++) {
                for (int i = 0; i < got[form][part].length; i++) {
                    assertEquals(
                            Float.floatToIntBits(got[1][part][i]),
                            Float.floatToIntBits(got[form][part][i]),
                            "form " + form + " part " + part + " entry " + i + " masked=" + masked);
                }
            }
        }
    }

    /** offset + (−factor·w)·F in the (B, N, H, d) layout, with the bracket's subtraction. */
    private static NDArray subtractedBracket(
            NDManager m,
            HeadTerms.Prepared p,
            NDArray qn,
            NDArray kn,
            NDArray vn,
            NDArray e,
            float[] w,
            float[] factor,
            float[] offset) {
        PaperV2Formulation f = (PaperV2Formulation) p.formulation();
        double alpha = f.couplingWeight() / Math.sqrt(D);
        float[][] c = new float[4][B * N * H]; // a, c, −factor·w, offset in (B, N, H)
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < N; i++) {
                    int from = (b * H + h) * N + i;
                    int to = (b * N + i) * H + h;
                    c[0][to] = (float) (alpha / 2) * w[from];
                    c[1][to] = (float) alpha * w[from];
                    c[2][to] = -w[from] * factor[b * H + h];
                    c[3][to] = offset[from];
                }
            }
        }
        NDArray[] k4 = new NDArray[4];
        for (int j = 0; j < 4; j++) {
            k4[j] = m.create(c[j], new Shape(B, N, H, 1));
        }
        float[] lin = new float[B];
        for (int b = 0; b < B; b++) {
            lin[b] = (float) (f.linearWeight(p.inputs(), b) / D);
        }
        NDArray lf =
                lin[0] == lin[1]
                        ? e.mul(m.create(lin[0]))
                        : e.mul(m.create(lin, new Shape(B, 1, 1, 1)));
        NDArray kTa = kn.mul(k4[0]).sum(new int[] {1}, true);
        NDArray qTa = qn.mul(k4[0]).sum(new int[] {1}, true);
        NDArray s = qn.mul(kTa.sub(kn.mul(k4[1]))).add(kn.mul(qTa)).add(vn.mul(lf));
        return s.reshape((long) B * N * H, D)
                .matMul(m.ones(new Shape(D, 1)))
                .reshape(B, N, H, 1)
                .mul(k4[2])
                .add(k4[3])
                .transpose(0, 2, 3, 1);
    }

    static void check(
            Formulation f,
            HeadTerms t,
            float[] q,
            float[] k,
            float[] v,
            float[] e,
            boolean[] mask,
            Objective o) {
        String label = f + " q=" + t.bits() + " " + t.formulation() + " mask=" + (mask != null);
        label += " " + o;
        NDArray qa = arr(q, B, H, N, D);
        NDArray ka = arr(k, B, H, N, D);
        NDArray va = arr(v, B, H, N, D);
        NDArray ea = e == null ? null : arr(e, D);
        float[] cot = random(B * H * N * D, 7, 1); // G (B, H, N, d); its first B·H·N entries: g
        byte[][] x = new byte[B][];
        AttentionProblem[] problems = new AttentionProblem[B];
        HeadTerms.Prepared p;
        NDArray[] grads;
        float[] tokens;
        float[] dirs;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (NDArray a : new NDArray[] {qa, ka, va, ea}) {
                if (a != null) {
                    a.setRequiresGradient(true);
                }
            }
            p = prepare(t, qa, ka, va, ea, mask);
            float[] w = new float[B * H * N];
            for (int b = 0; b < B; b++) {
                problems[b] = p.problem(b);
                x[b] = pattern(problems[b]);
                double[] wb = problems[b].weights(x[b]);
                for (int i = 0; i < wb.length; i++) {
                    w[b * wb.length + i] = (float) wb[i];
                }
            }
            NDArray tok = p.tokenEnergies(arr(w, B, H, N));
            NDArray dir = p.directions().broadcast(B, H, N, D);
            tokens = tok.toFloatArray();
            dirs = dir.toFloatArray();
            NDArray objective =
                    switch (o) {
                        case ENERGY -> tok.sum();
                        case TOKEN_WEIGHTED ->
                                tok.mul(arr(java.util.Arrays.copyOf(cot, B * H * N), B, H, N))
                                        .sum();
                        case PAPER_OUTPUT ->
                                tok.expandDims(3)
                                        .mul(p.directions())
                                        .mul(arr(cot, B, H, N, D))
                                        .sum();
                    };
            churnDirectMemory(); // scalars the graph still needs must survive this
            gc.backward(objective);
            grads =
                    new NDArray[] {
                        qa.getGradient(),
                        ka.getGradient(),
                        va.getGradient(),
                        ea == null ? null : ea.getGradient()
                    };
        }
        float[][] g = new float[4][];
        for (int which = 0; which < 4; which++) {
            g[which] = grads[which] == null ? null : grads[which].toFloatArray();
        }
        double[] coreDe = new double[D];
        for (int b = 0; b < B; b++) {
            // the value: per-token energies and the energy are qama-core's
            double[] coreTok = problems[b].tokenEnergies(x[b]);
            double sum = 0;
            for (int i = 0; i < H * N; i++) {
                assertEquals(coreTok[i], tokens[b * H * N + i], 1e-4, label + " H[" + i + "]");
                sum += tokens[b * H * N + i];
            }
            double penalty = problems[b].penaltyWeight() * problems[b].penaltyPairs(x[b]);
            double energy = problems[b].energy(x[b]);
            assertEquals(energy, sum + penalty, 1e-4 * Math.max(1, Math.abs(energy)), label);
            // the gradient: qama-core's closed form, token-weighted where the objective is
            double[] tw = null;
            if (o != Objective.ENERGY) {
                tw = new double[H * N];
                for (int i = 0; i < H * N; i++) {
                    int row = b * H * N + i;
                    if (o == Objective.TOKEN_WEIGHTED) {
                        tw[i] = cot[row];
                    } else {
                        for (int a = 0; a < D; a++) {
                            tw[i] += (double) cot[row * D + a] * dirs[row * D + a];
                        }
                    }
                }
            }
            AttentionGradient cg = p.formulation().gradient(p.inputs(), b, x[b], tw);
            if (o == Objective.ENERGY) {
                assertEquals(energy, cg.energy(), 1e-4 * Math.max(1, Math.abs(energy)), label);
            }
            double[][] closed = {cg.dQ(), cg.dK(), cg.dV()};
            for (int which = 0; which < 3; which++) {
                if (which == 2 && o == Objective.PAPER_OUTPUT && f == Formulation.PAPER_V1) {
                    continue; // softmax(V) is also the direction: checked by finite differences
                }
                for (int m = 0; m < H * N * D; m++) {
                    double want = closed[which][m];
                    assertEquals(
                            want,
                            g[which][b * H * N * D + m],
                            1e-4 * Math.max(1, Math.abs(want)),
                            label + " " + "QKV".charAt(which) + "[b=" + b + ", " + m + "]");
                }
            }
            if (e != null) {
                for (int a = 0; a < D; a++) {
                    coreDe[a] += cg.dValueImportance()[a];
                }
                if (o == Objective.PAPER_OUTPUT) {
                    for (int i = 0; i < H * N; i++) {
                        for (int a = 0; a < D; a++) {
                            int row = b * H * N + i;
                            coreDe[a] += (double) tokens[row] * cot[row * D + a];
                        }
                    }
                }
            }
        }
        if (e != null) {
            for (int a = 0; a < D; a++) {
                assertEquals(coreDe[a], g[3][a], 1e-4 * Math.max(1, Math.abs(coreDe[a])), label);
            }
        }
        if (o != Objective.ENERGY) {
            return;
        }
        // and finite differences of qama-core's energy
        float[][] inputs = {q, k, v, e};
        String[] names = {"Q", "K", "V", "e"};
        float delta = 1e-2f;
        for (int which = 0; which < 4; which++) {
            float[] in = inputs[which];
            if (in == null) {
                continue;
            }
            double max = 1e-3;
            for (float gv : g[which]) {
                max = Math.max(max, Math.abs(gv));
            }
            for (int m = 0; m < in.length; m++) {
                float old = in[m];
                in[m] = old + delta;
                double plus = coreEnergy(t, q, k, v, e, mask, x);
                in[m] = old - delta;
                double minus = coreEnergy(t, q, k, v, e, mask, x);
                in[m] = old;
                double fd = (plus - minus) / (2 * delta);
                assertEquals(fd, g[which][m], 2e-3 * max + 1e-4, label + names[which] + m);
            }
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
     * VALUES: the output depends on the per-token energies H through the softmax mix. With g =
     * ∂L/∂H taken by autograd at H (a leaf), autograd of the whole output with respect to Q, K (and
     * e, which enters only through H) equals qama-core's token-weighted gradient(in, b, x, g).
     */
    @ParameterizedTest
    @CsvSource({"PAPER_V2", "PAPER_V1"})
    void valuesOutputGradientIsTheTokenWeightedCoreGradient(Formulation f) {
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .optSelectionWarmup(0) // the selection in full from the first pass
                        .setEmbeddingSize(H * D)
                        .setHeadCount(H)
                        .optAttentionProbsDropoutProb(0f)
                        .optFormulation(f)
                        .optBits(f == Formulation.PAPER_V2 ? 1 : 2)
                        .optCouplingScale(1.2)
                        .optLinearScale(0.9)
                        .optOutputMode(OutputMode.VALUES)
                        .optBackend(new ExactTestBackend(QamaGradientTest::pattern))
                        .build();
        HeadTerms t =
                f == Formulation.PAPER_V2
                        ? new PaperV2Terms((PaperV2Formulation) block.getCoreFormulation())
                        : new PaperV1Terms((PaperV1Formulation) block.getCoreFormulation());
        assertEquals(
                1.2,
                ((f == Formulation.PAPER_V2)
                        ? ((PaperV2Formulation) block.getCoreFormulation()).couplingWeight()
                        : ((PaperV1Formulation) block.getCoreFormulation()).couplingScale()));
        int size = B * H * N * D;
        float[] q = random(size, 11, 1);
        float[] k = random(size, 12, 1);
        float[] v = random(size, 13, 1);
        float[] e = f == Formulation.PAPER_V2 ? random(D, 14, 1) : null;
        float[] cot = random(size, 15, 1);
        float[] keep = new float[B * N];
        for (int m = 0; m < keep.length; m++) {
            keep[m] = MASK[m] ? 0f : 1f;
        }
        Inputs in =
                Inputs.parse(
                        new NDList(manager.zeros(new Shape(B, N, H * D)), arr(keep, B, N)),
                        H * D,
                        H);
        in.readMask(keep);
        ParameterStore ps = new ParameterStore(manager, false);
        HeadTerms.Prepared p0 = prepare(manager, t, q, k, v, e, in.flatMask());
        byte[][] x = new byte[B][];
        float[] w = new float[B * H * N];
        for (int b = 0; b < B; b++) {
            AttentionProblem problem = p0.problem(b);
            x[b] = pattern(problem);
            double[] wb = problem.weights(x[b]);
            for (int i = 0; i < wb.length; i++) {
                w[b * wb.length + i] = (float) wb[i];
            }
        }
        NDArray wArr = arr(w, B, H, N);
        float[] tokValues = p0.tokenEnergies(wArr).toFloatArray();
        // pass 1: g = ∂L/∂H
        float[] g;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray tokLeaf = arr(tokValues, B, H, N);
            tokLeaf.setRequiresGradient(true);
            NDArray mixed = block.mixValues(ps, false, in, w, tokLeaf, arr(v, B, H, N, D), null);
            gc.backward(mixed.mul(arr(cot, B, H, N, D)).sum());
            g = tokLeaf.getGradient().toFloatArray();
        }
        // pass 2: the whole output
        NDArray qa = arr(q, B, H, N, D);
        NDArray ka = arr(k, B, H, N, D);
        NDArray va = arr(v, B, H, N, D);
        NDArray ea = e == null ? null : arr(e, D);
        float[] gq;
        float[] gk;
        float[] ge = null;
        HeadTerms.Prepared p;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (NDArray a : new NDArray[] {qa, ka, va, ea}) {
                if (a != null) {
                    a.setRequiresGradient(true);
                }
            }
            p = prepare(t, qa, ka, va, ea, in.flatMask());
            NDArray tok = p.tokenEnergies(wArr);
            NDArray mixed = block.mixValues(ps, false, in, w, tok, va, null);
            churnDirectMemory();
            gc.backward(mixed.mul(arr(cot, B, H, N, D)).sum());
            gq = qa.getGradient().toFloatArray();
            gk = ka.getGradient().toFloatArray();
            if (ea != null) {
                ge = ea.getGradient().toFloatArray();
            }
        }
        double maxG = 0;
        double[] de = new double[D];
        for (int b = 0; b < B; b++) {
            double[] tw = new double[H * N];
            for (int i = 0; i < H * N; i++) {
                tw[i] = g[b * H * N + i];
                maxG = Math.max(maxG, Math.abs(tw[i]));
            }
            AttentionGradient cg = p.formulation().gradient(p.inputs(), b, x[b], tw);
            for (int m = 0; m < H * N * D; m++) {
                int idx = b * H * N * D + m;
                assertEquals(cg.dQ()[m], gq[idx], 1e-4 * Math.max(1, Math.abs(cg.dQ()[m])), "dQ");
                assertEquals(cg.dK()[m], gk[idx], 1e-4 * Math.max(1, Math.abs(cg.dK()[m])), "dK");
            }
            if (e != null) {
                for (int a = 0; a < D; a++) {
                    de[a] += cg.dValueImportance()[a];
                }
            }
        }
        assertTrue(maxG > 1e-3, "the token weights must not vanish, max " + maxG);
        if (e != null) {
            for (int a = 0; a < D; a++) {
                assertEquals(de[a], ge[a], 1e-4 * Math.max(1, Math.abs(de[a])), "de");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "PAPER_V2, PAPER",
        "PAPER_V2, VALUES",
        "PAPER_V2, SELECTED_KEYS",
        "PAPER_V1, PAPER",
        "PAPER_V1, VALUES",
        "PAPER_V1, SELECTED_KEYS"
    })
    void blockGradientEqualsFiniteDifferencesAtAFixedSelection(Formulation f, OutputMode mode) {
        int e = H * D;
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .optSelectionWarmup(0) // the selection in full from the first pass
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
