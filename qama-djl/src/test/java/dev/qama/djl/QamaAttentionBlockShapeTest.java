package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.PaperV1Formulation;
import dev.qama.core.formulation.PaperV2Formulation;
import dev.qama.core.formulation.V1CouplingMode;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QamaAttentionBlockShapeTest extends PyTorchTest {
    static final int B = 2;
    static final int N = 5;
    static final int E = 8;
    static final int H = 2;

    @BeforeAll
    static void seed() {
        manager.getEngine().setRandomSeed(7);
    }

    static QamaAttentionBlock.Builder base(ExactTestBackend backend) {
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(E)
                .setHeadCount(H)
                .optAttentionProbsDropoutProb(0f)
                .optBackend(backend);
    }

    static NDList run(QamaAttentionBlock block, NDList in) {
        if (!block.isInitialized()) {
            block.initialize(manager, DataType.FLOAT32, in.getShapes());
        }
        return block.forward(new ParameterStore(manager, false), in, false);
    }

    static NDArray x(long seed) {
        manager.getEngine().setRandomSeed((int) seed);
        return manager.randomNormal(new Shape(B, N, E));
    }

    @ParameterizedTest
    @CsvSource({
        "PAPER_V2, PAPER",
        "PAPER_V2, VALUES",
        "PAPER_V1, PAPER",
        "PAPER_V1, VALUES",
        "PAPER_V2, SELECTED_KEYS",
        "PAPER_V1, SELECTED_KEYS",
    })
    void allFourInputFormsGiveTheQueryShape(Formulation f, OutputMode mode) {
        ExactTestBackend backend = new ExactTestBackend();
        QamaAttentionBlock block =
                base(backend).optFormulation(f).optOutputMode(mode).optBits(1).build();
        NDArray x = x(1);
        NDArray mask = manager.ones(new Shape(B, N, N));
        NDList[] forms = {
            new NDList(x),
            new NDList(x, mask),
            new NDList(x, x(2), x(3)),
            new NDList(x, x(2), x(3), mask),
        };
        for (NDList in : forms) {
            NDArray out = run(block, in).singletonOrThrow();
            assertEquals(new Shape(B, N, E), out.getShape(), "inputs " + in.size());
            for (float v : out.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
            assertEquals(
                    new Shape(B, N, E), block.getOutputShapes(in.getShapes())[0], "declared shape");
        }
        // one problem per batch element per forward pass, H·N·q variables each
        assertEquals(4 * B, backend.seen.size());
        AttentionProblem p = backend.seen.get(0);
        assertEquals(H * N, p.numVariables());
        // the paper's default coefficients for N = 5, H = 2
        if (f == Formulation.PAPER_V2) {
            assertEquals(1.0, p.couplingWeight(), 1e-12);
            assertEquals(0.16 * N, p.linearWeight(), 1e-12);
            assertEquals(0.8 * Math.sqrt(2 / Math.PI) * N / (H - 1), p.penaltyWeight(), 1e-12);
        } else {
            assertEquals(1.0, p.couplingWeight(), 1e-12);
            assertEquals(1.0, p.linearWeight(), 1e-12);
            assertEquals(2.0 / (H * (H - 1) / 2.0), p.penaltyWeight(), 1e-12);
            assertTrue(p.diagonal(0) != null, "v1 keeps J's diagonal");
        }
    }

    @ParameterizedTest
    @CsvSource({"PAPER", "VALUES", "SELECTED_KEYS"})
    void maskedTokensAreNeverSelectedAndDoNotReachTheOutput(OutputMode mode) {
        ExactTestBackend backend = new ExactTestBackend();
        QamaAttentionBlock block = base(backend).optOutputMode(mode).build();
        // padding mask: tokens 3 and 4 of element 0 and token 0 of element 1 are dropped
        float[] keep = {1, 1, 1, 0, 0, 0, 1, 1, 1, 1};
        float[] pairs = new float[B * N * N];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    pairs[(b * N + i) * N + j] = keep[b * N + j];
                }
            }
        }
        NDArray mask = manager.create(pairs, new Shape(B, N, N));
        NDArray k = x(4);
        NDArray q = x(5);
        NDArray v = x(6);
        float[] out1 = run(block, new NDList(k, q, v, mask)).head().toFloatArray();
        for (int b = 0; b < B; b++) {
            AttentionProblem p = backend.seen.get(b);
            for (int j = 0; j < N; j++) {
                assertEquals(keep[b * N + j] == 0, p.isMasked(j), "element " + b + " token " + j);
            }
        }
        // values of masked tokens cannot change anything
        float[] vv = v.toFloatArray();
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < N; j++) {
                if (keep[b * N + j] == 0) {
                    for (int a = 0; a < E; a++) {
                        vv[(b * N + j) * E + a] += 3f;
                    }
                }
            }
        }
        NDArray v2 = manager.create(vv, new Shape(B, N, E));
        float[] out2 = run(block, new NDList(k, q, v2, mask)).head().toFloatArray();
        assertArrayEquals(out1, out2, 1e-5f);
        // the (B, N) token mask means the same
        NDArray tokenMask = manager.create(keep, new Shape(B, N));
        float[] out3 = run(block, new NDList(k, q, v, tokenMask)).head().toFloatArray();
        assertArrayEquals(out1, out3, 1e-6f);
    }

    /**
     * Padding is invisible: each element of a padded batch gets the same problem energies, the same
     * selection and the same outputs for its real tokens as the element alone without padding (the
     * paper-v2 weights b = c_l·N and ρ use the unmasked token count).
     */
    @ParameterizedTest
    @CsvSource({
        "PAPER_V2, PAPER",
        "PAPER_V2, VALUES",
        "PAPER_V2, SELECTED_KEYS",
        "PAPER_V1, SELECTED_KEYS"
    })
    void paddingChangesNeitherTheProblemNorTheOutputOfTheRealTokens(
            Formulation f, OutputMode mode) {
        ExactTestBackend backend = new ExactTestBackend();
        QamaAttentionBlock block =
                base(backend).optFormulation(f).optOutputMode(mode).optBits(1).build();
        // element 0: tokens 0-2 real, 3-4 padding; element 1: token 0 padding, 1-4 real
        float[] keep = {1, 1, 1, 0, 0, 0, 1, 1, 1, 1};
        NDArray x = x(11);
        float[] padded =
                run(block, new NDList(x, manager.create(keep, new Shape(B, N))))
                        .head()
                        .toFloatArray();
        AttentionProblem[] paddedProblems = {backend.seen.get(0), backend.seen.get(1)};
        float[] xs = x.toFloatArray();
        for (int b = 0; b < B; b++) {
            int real = 0;
            for (int i = 0; i < N; i++) {
                real += (int) keep[b * N + i];
            }
            float[] alone = new float[real * E];
            int[] rows = new int[real];
            for (int i = 0, r = 0; i < N; i++) {
                if (keep[b * N + i] == 1) {
                    rows[r] = i;
                    System.arraycopy(xs, (b * N + i) * E, alone, r++ * E, E);
                }
            }
            backend.seen.clear();
            float[] out =
                    run(block, new NDList(manager.create(alone, new Shape(1, real, E))))
                            .head()
                            .toFloatArray();
            AttentionProblem p = backend.seen.get(0);
            AttentionProblem pp = paddedProblems[b];
            assertEquals(p.linearWeight(), pp.linearWeight(), 1e-12, "element " + b);
            assertEquals(p.penaltyWeight(), pp.penaltyWeight(), 1e-12, "element " + b);
            for (int r = 0; r < real; r++) {
                float[] want = java.util.Arrays.copyOfRange(out, r * E, (r + 1) * E);
                float[] got =
                        java.util.Arrays.copyOfRange(
                                padded, (b * N + rows[r]) * E, (b * N + rows[r] + 1) * E);
                assertArrayEquals(want, got, 1e-5f, "element " + b + ", real token " + r);
            }
        }
    }

    /** A pass run in a sub-manager leaves nothing behind in the parameters' manager. */
    @ParameterizedTest
    @CsvSource({
        "PAPER_V2, PAPER",
        "PAPER_V2, VALUES",
        "PAPER_V2, SELECTED_KEYS",
        "PAPER_V1, PAPER"
    })
    void aForwardPassLeavesNoArrayInTheParameterManager(Formulation f, OutputMode mode) {
        try (NDManager params = manager.newSubManager()) {
            QamaAttentionBlock block =
                    base(new ExactTestBackend()).optFormulation(f).optOutputMode(mode).build();
            block.initialize(params, DataType.FLOAT32, new Shape(B, N, E));
            int before = params.getManagedArrays().size();
            for (boolean training : new boolean[] {false, true}) {
                try (NDManager pass = params.newSubManager()) {
                    NDArray x = pass.randomNormal(new Shape(B, N, E));
                    block.forward(new ParameterStore(pass, false), new NDList(x), training);
                }
            }
            assertEquals(before, params.getManagedArrays().size(), f + " " + mode);
        }
    }

    @Test
    void aCausalMaskGivesEveryQueryItsOwnMix() {
        ExactTestBackend backend = new ExactTestBackend();
        QamaAttentionBlock block = base(backend).optOutputMode(OutputMode.VALUES).build();
        float[] causal = new float[B * N * N];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j <= i; j++) {
                    causal[(b * N + i) * N + j] = 1;
                }
            }
        }
        NDArray mask = manager.create(causal, new Shape(B, N, N));
        NDArray k = x(7);
        NDArray q = x(8);
        NDArray v = x(9);
        float[] base = run(block, new NDList(k, q, v, mask)).head().toFloatArray();
        // changing the value of the last token changes only the last query's output
        float[] vv = v.toFloatArray();
        for (int b = 0; b < B; b++) {
            for (int a = 0; a < E; a++) {
                vv[(b * N + N - 1) * E + a] += 1f;
            }
        }
        float[] changed =
                run(block, new NDList(k, q, manager.create(vv, new Shape(B, N, E)), mask))
                        .head()
                        .toFloatArray();
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N - 1; i++) {
                for (int a = 0; a < E; a++) {
                    int idx = (b * N + i) * E + a;
                    assertEquals(base[idx], changed[idx], 1e-5f, "query " + i);
                }
            }
        }
        // no token is masked for the solver: every key is seen by some query
        for (AttentionProblem p : backend.seen) {
            for (int j = 0; j < N; j++) {
                assertTrue(!p.isMasked(j));
            }
        }
    }

    @Test
    void denseAndFactoredCouplingsGiveTheSameProblemsAndOutput() throws Exception {
        ExactTestBackend denseBackend = new ExactTestBackend();
        ExactTestBackend factoredBackend = new ExactTestBackend();
        QamaAttentionBlock dense =
                base(denseBackend)
                        .optCouplingForm(dev.qama.core.formulation.CouplingForm.DENSE)
                        .build();
        QamaAttentionBlock factored =
                base(factoredBackend)
                        .optCouplingForm(dev.qama.core.formulation.CouplingForm.LOW_RANK)
                        .build();
        NDArray x = x(14);
        run(dense, new NDList(x));
        factored.initialize(manager, DataType.FLOAT32, x.getShape());
        factored.loadParameters(
                manager,
                new java.io.DataInputStream(
                        new java.io.ByteArrayInputStream(QamaSerializationTest.save(dense))));
        float[] a = run(dense, new NDList(x)).head().toFloatArray();
        float[] b = run(factored, new NDList(x)).head().toFloatArray();
        assertArrayEquals(a, b, 1e-4f);
        AttentionProblem pd = denseBackend.seen.get(B);
        AttentionProblem pf = factoredBackend.seen.get(0);
        assertTrue(pf.coupling(1) instanceof dev.qama.core.model.LowRankCoupling);
        assertTrue(pd.coupling(1) instanceof dev.qama.core.model.DenseCoupling);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                assertEquals(pd.coupling(1).get(i, j), pf.coupling(1).get(i, j), 1e-5);
            }
        }
        byte[] state = {1, 0, 1, 1, 0, 0, 1, 1, 0, 1};
        assertEquals(pd.energy(state), pf.energy(state), 1e-4);
    }

    @ParameterizedTest
    @CsvSource({"PAPER_V1", "PAPER_V2"})
    void oneHeadHasNoPenalty(Formulation f) {
        ExactTestBackend backend = new ExactTestBackend();
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(1)
                        .optFormulation(f)
                        .optBits(2)
                        .optBackend(backend)
                        .build();
        NDArray out = run(block, new NDList(x(15))).head();
        assertEquals(new Shape(B, N, E), out.getShape());
        assertEquals(0.0, backend.seen.get(0).penaltyWeight());
        assertEquals(N * 2, backend.seen.get(0).numVariables());
    }

    @Test
    void longSequencesUseTheFactoredCouplingEndToEnd() {
        int n = 2048;
        ExactTestBackend backend = new ExactTestBackend(QamaGradientTest::pattern);
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(16)
                        .setHeadCount(2)
                        .optOutputMode(OutputMode.VALUES)
                        .optBackend(backend)
                        .build();
        NDArray x = manager.randomNormal(new Shape(1, n, 16));
        float[] mask = new float[n];
        java.util.Arrays.fill(mask, 0, n - 10, 1f);
        NDArray out;
        try (ai.djl.training.GradientCollector gc =
                ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            x.setRequiresGradient(true);
            if (!block.isInitialized()) {
                block.initialize(manager, DataType.FLOAT32, x.getShape());
            }
            out =
                    block.forward(
                                    new ParameterStore(manager, false),
                                    new NDList(x, manager.create(mask, new Shape(1, n))),
                                    true)
                            .head();
            gc.backward(out.sum());
        }
        assertEquals(new Shape(1, n, 16), out.getShape());
        AttentionProblem p = backend.seen.get(0);
        assertTrue(p.coupling(0) instanceof dev.qama.core.model.LowRankCoupling, "AUTO, d <= N");
        assertTrue(p.isMasked(n - 1) && !p.isMasked(0));
        float[] g = x.getGradient().toFloatArray();
        for (int a = 0; a < 16; a++) {
            assertEquals(0f, g[(n - 1) * 16 + a], "a masked token gets no gradient");
        }
    }

    @Test
    void theBlockOptionsReachTheCoreFormulationAndTheSolver() {
        ExactTestBackend b1 = new ExactTestBackend();
        QamaAttentionBlock v1 =
                base(b1).optFormulation(Formulation.PAPER_V1)
                        .optBits(2)
                        .optCouplingScale(1.1)
                        .optLinearScale(0.7)
                        .optPenaltyScale(3)
                        .optV1CouplingMode(V1CouplingMode.DIVERGENCE)
                        .optLongRangeWeight(0.5)
                        .build();
        PaperV1Formulation f1 = (PaperV1Formulation) v1.getCoreFormulation();
        assertEquals(2, f1.bits());
        assertEquals(1.1, f1.couplingScale());
        assertEquals(0.7, f1.linearScale());
        assertEquals(3.0, f1.multiHeadPenalty());
        assertEquals(V1CouplingMode.DIVERGENCE, f1.couplingMode());
        assertEquals(0.5, f1.longRangeWeight());
        run(v1, new NDList(x(16)));
        AttentionProblem p1 = b1.seen.get(0);
        assertEquals(2, p1.bits());
        assertEquals(1.1, p1.couplingWeight());
        assertEquals(0.7, p1.linearWeight());
        assertEquals(f1.penaltyWeight(H), p1.penaltyWeight());

        ExactTestBackend b2 = new ExactTestBackend();
        QamaAttentionBlock v2 =
                base(b2).optCouplingScale(1.3).optLinearScale(0.2).optPenaltyScale(0.5).build();
        PaperV2Formulation f2 = (PaperV2Formulation) v2.getCoreFormulation();
        run(v2, new NDList(x(17)));
        AttentionProblem p2 = b2.seen.get(0);
        assertEquals(1.3, p2.couplingWeight());
        assertEquals(f2.linearWeight(N), p2.linearWeight());
        assertEquals(0.2 * N, p2.linearWeight(), 1e-12);
        assertEquals(f2.penaltyWeight(H, N), p2.penaltyWeight());

        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> base(b2).optV1CouplingMode(V1CouplingMode.DIVERGENCE).build());
        assertTrue(e.getMessage().contains("DIVERGENCE"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                base(b2).optFormulation(Formulation.PAPER_V1)
                                        .optLongRangeWeight(-1)
                                        .build());
        assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> base(b2).optCouplingScale(Double.POSITIVE_INFINITY).build());
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    }

    @Test
    void withoutABackendTheDefaultProviderIsUsedOnFirstUse() {
        QamaAttentionBlock block =
                QamaAttentionBlock.builder().setEmbeddingSize(E).setHeadCount(H).build();
        NDArray out = run(block, new NDList(x(13))).head();
        assertEquals(new Shape(B, N, E), out.getShape());
        // the highest-ranked provider on the test class path, whatever it is
        assertEquals(dev.qama.core.spi.Annealers.defaultName(), block.getBackend().name());
        assertTrue(block.getBackend() == block.getBackend(), "created once");
    }

    @Test
    void fourDimensionalOffsetMasksAreAccepted() {
        QamaAttentionBlock block = base(new ExactTestBackend()).build();
        NDArray x = x(10);
        float[] keep = {1, 1, 1, 0, 0, 0, 1, 1, 1, 1};
        float[] off = new float[B * N * N];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    off[(b * N + i) * N + j] = keep[b * N + j] > 0 ? 0f : -100000f;
                }
            }
        }
        float[] a =
                run(block, new NDList(x, manager.create(off, new Shape(B, 1, N, N))))
                        .head()
                        .toFloatArray();
        float[] b =
                run(block, new NDList(x, manager.create(keep, new Shape(B, N))))
                        .head()
                        .toFloatArray();
        assertArrayEquals(a, b, 1e-6f);
    }

    @Test
    void badBuilderValuesAreReportedWithTheValue() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                QamaAttentionBlock.builder()
                                        .setEmbeddingSize(10)
                                        .setHeadCount(3)
                                        .build());
        assertTrue(
                e.getMessage().contains("(10)") && e.getMessage().contains("(3)"), e.getMessage());
        assertThrows(
                IllegalStateException.class,
                () -> QamaAttentionBlock.builder().setHeadCount(3).build());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> base(new ExactTestBackend()).optBits(17).build());
        assertTrue(e.getMessage().contains("17"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> base(new ExactTestBackend()).optReads(0).build());
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                base(new ExactTestBackend())
                                        .optAttentionProbsDropoutProb(1.5f)
                                        .build());
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                base(new ExactTestBackend())
                                        .optFormulation(Formulation.PAPER_V1)
                                        .optCouplingForm(
                                                dev.qama.core.formulation.CouplingForm.LOW_RANK)
                                        .build());
        assertTrue(e.getMessage().contains("LOW_RANK"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> base(new ExactTestBackend()).optBackend("no-such-annealer"));
        assertTrue(e.getMessage().contains("no-such-annealer"), e.getMessage());
    }

    @Test
    void badInputsAreReportedWithTheirShapes() {
        QamaAttentionBlock block = base(new ExactTestBackend()).build();
        run(block, new NDList(x(11)));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(block, new NDList(manager.ones(new Shape(B, N)))));
        assertTrue(e.getMessage().contains("(2, 5)"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(block, new NDList(manager.ones(new Shape(B, N, E + 1)))));
        assertTrue(e.getMessage().contains("E=8"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                run(
                                        block,
                                        new NDList(
                                                x(1), manager.ones(new Shape(B, N + 1, E)), x(2))));
        assertTrue(e.getMessage().contains("(2, 6, 8)"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(block, new NDList(x(1), manager.ones(new Shape(B, N, N + 1)))));
        assertTrue(e.getMessage().contains("(2, 5, 6)"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(block, new NDList(x(1), x(1), x(1), x(1), x(1))));
        assertTrue(e.getMessage().contains("got 5"), e.getMessage());
        float[] badMask = new float[B * N * N];
        badMask[7] = Float.NaN;
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                run(
                                        block,
                                        new NDList(
                                                x(1),
                                                manager.create(badMask, new Shape(B, N, N)))));
        assertTrue(e.getMessage().contains("got NaN at flat index 7"), e.getMessage());
        // keep flags are 0 or 1; additive 4-D offsets are 0 or <= -1
        float[] half = new float[B * N];
        java.util.Arrays.fill(half, 1f);
        half[4] = 0.5f;
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(block, new NDList(x(1), manager.create(half, new Shape(B, N)))));
        assertTrue(e.getMessage().contains("got 0.5 at flat index 4"), e.getMessage());
        float[] offsets = new float[B * N * N];
        offsets[9] = 2f;
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                run(
                                        block,
                                        new NDList(
                                                x(1),
                                                manager.create(offsets, new Shape(B, 1, N, N)))));
        assertTrue(e.getMessage().contains("got 2.0 at flat index 9"), e.getMessage());
        float[] bad = x(12).toFloatArray();
        bad[E * N + 3] = Float.NaN; // batch element 1
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(block, new NDList(manager.create(bad, new Shape(B, N, E)))));
        assertTrue(
                e.getMessage().contains("non-finite") && e.getMessage().contains("element 1"),
                e.getMessage());
    }
}
