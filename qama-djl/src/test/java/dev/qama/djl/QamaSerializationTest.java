package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import dev.qama.djl.QamaAttentionBlock.ParameterLayout;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameter files: our round trip, and compatibility with DJL's blocks both ways. */
class QamaSerializationTest extends PyTorchTest {
    static final int B = 2;
    static final int N = 5;
    static final int E = 8;
    static final int H = 2;
    static final Shape IN = new Shape(B, N, E);

    static QamaAttentionBlock qama(Formulation f) {
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(E)
                .setHeadCount(H)
                .optFormulation(f)
                // PAPER: this test compares outputs bit for bit, and the VALUES mixing can differ
                // in the last bit between two blocks holding the same parameters
                .optOutputMode(OutputMode.PAPER)
                .optAttentionProbsDropoutProb(0f)
                .optBackend(new ExactTestBackend())
                .build();
    }

    static byte[] save(Block block) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream os = new DataOutputStream(bytes)) {
            block.saveParameters(os);
        }
        return bytes.toByteArray();
    }

    static void load(Block block, InputStream in) throws Exception {
        block.loadParameters(manager, new DataInputStream(in));
    }

    static float[] forward(Block block, NDArray x) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), false)
                .head()
                .toFloatArray();
    }

    /** Parameter values by their path in the block tree, in order. */
    static List<float[]> values(Block block) {
        return block.getParameters().stream()
                .map(p -> p.getValue().getArray().toFloatArray())
                .toList();
    }

    static List<String> names(Block block) {
        return block.getParameters().stream().map(Pair::getKey).toList();
    }

    static void scaleImportance(QamaAttentionBlock block, float factor) {
        Parameter e = block.getParameters().get("06valueImportance_importance");
        e.getArray().muli(factor);
    }

    @Test
    void roundTripRestoresEveryParameterAndTheOutput() throws Exception {
        for (Formulation f : Formulation.values()) {
            QamaAttentionBlock a = qama(f);
            manager.getEngine().setRandomSeed(11);
            a.initialize(manager, DataType.FLOAT32, IN);
            if (f == Formulation.PAPER_V2) {
                scaleImportance(a, -0.5f);
            }
            QamaAttentionBlock b = qama(f);
            manager.getEngine().setRandomSeed(12);
            b.initialize(manager, DataType.FLOAT32, IN);
            NDArray x = manager.randomNormal(IN);
            assertNotEquals(forward(a, x)[0], forward(b, x)[0]);
            load(b, new ByteArrayInputStream(save(a)));
            assertArrayEquals(forward(a, x), forward(b, x), 0f, f.toString());
            List<float[]> va = values(a);
            List<float[]> vb = values(b);
            for (int i = 0; i < va.size(); i++) {
                assertArrayEquals(va.get(i), vb.get(i), 0f);
            }
        }
    }

    @Test
    void childrenAndParameterNamesAreDjlsFollowedByOurs() {
        ScaledDotProductAttentionBlock djl =
                ScaledDotProductAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .build();
        QamaAttentionBlock ours = qama(Formulation.PAPER_V2);
        List<String> djlNames = names(djl);
        List<String> ourNames = names(ours);
        assertEquals(djlNames, ourNames.subList(0, djlNames.size()));
        assertEquals(
                List.of("06valueImportance_importance"),
                ourNames.subList(djlNames.size(), ourNames.size()));
        assertEquals(djlNames, names(qama(Formulation.PAPER_V1)));
    }

    /**
     * SELECTED_KEYS with every key selected and the energy switched off (zero coupling and linear
     * scale) is DJL's scaled dot-product attention: same parameters, same output.
     */
    @Test
    void selectedKeysWithEveryKeySelectedAndNoEnergyIsDjlsAttention() throws Exception {
        ScaledDotProductAttentionBlock djl =
                ScaledDotProductAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .optAttentionProbsDropoutProb(0f)
                        .build();
        manager.getEngine().setRandomSeed(31);
        djl.initialize(manager, DataType.FLOAT32, IN);
        QamaAttentionBlock ours = everyKeySelected(0);
        ours.initialize(manager, DataType.FLOAT32, IN);
        load(ours, new ByteArrayInputStream(save(djl)));
        manager.getEngine().setRandomSeed(32);
        NDArray x = manager.randomNormal(IN);
        assertArrayEquals(forward(djl, x), forward(ours, x), 1e-5f);

        // with energy, the output moves away from DJL's
        QamaAttentionBlock energetic = everyKeySelected(1);
        energetic.initialize(manager, DataType.FLOAT32, IN);
        load(energetic, new ByteArrayInputStream(save(djl)));
        float[] a = forward(djl, x);
        float[] b = forward(energetic, x);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        org.junit.jupiter.api.Assertions.assertTrue(diff > 1e-3, "max difference " + diff);
    }

    /**
     * With β = 0 and γ = 0 the selection has no effect: SELECTED_KEYS is DJL's attention whatever
     * the annealer selects; with the default β the keys left out weigh less.
     */
    @Test
    void unselectedKeysStayInTheSoftmaxLoweredByBeta() throws Exception {
        ScaledDotProductAttentionBlock djl =
                ScaledDotProductAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .optAttentionProbsDropoutProb(0f)
                        .build();
        manager.getEngine().setRandomSeed(33);
        djl.initialize(manager, DataType.FLOAT32, IN);
        NDArray x = manager.randomNormal(IN);
        float[] reference = forward(djl, x);
        float[][] outs = new float[2][];
        double[] betas = {0, QamaAttentionBlock.DEFAULT_UNSELECTED_PENALTY};
        for (int k = 0; k < 2; k++) {
            QamaAttentionBlock ours =
                    QamaAttentionBlock.builder()
                            .setEmbeddingSize(E)
                            .setHeadCount(H)
                            .optOutputMode(OutputMode.SELECTED_KEYS)
                            .optAttentionProbsDropoutProb(0f)
                            .optUnselectedPenalty(betas[k])
                            .optEnergyScale(0)
                            .optBackend(new ExactTestBackend(QamaSelectionGradientTest::firstThree))
                            .build();
            ours.initialize(manager, DataType.FLOAT32, IN);
            load(ours, new ByteArrayInputStream(save(djl)));
            outs[k] = forward(ours, x);
        }
        assertArrayEquals(reference, outs[0], 1e-5f, "β = 0, γ = 0: DJL's attention");
        double diff = 0;
        for (int i = 0; i < reference.length; i++) {
            diff = Math.max(diff, Math.abs(reference[i] - outs[1][i]));
        }
        assertTrue(diff > 1e-3, "the default β moves the output: max difference " + diff);
    }

    /** SELECTED_KEYS selecting every key, with coupling and linear scales {@code scale}. */
    static QamaAttentionBlock everyKeySelected(double scale) {
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(E)
                .setHeadCount(H)
                .optOutputMode(OutputMode.SELECTED_KEYS)
                .optAttentionProbsDropoutProb(0f)
                .optCouplingScale(scale)
                .optLinearScale(scale == 0 ? 0 : 0.16)
                .optBackend(new ExactTestBackend(p -> allOnes(p.numVariables())))
                .build();
    }

    static byte[] allOnes(int n) {
        byte[] x = new byte[n];
        java.util.Arrays.fill(x, (byte) 1);
        return x;
    }

    @Test
    void aFileOfDjlsBlockLoadsIntoOursAndOursIntoDjls() throws Exception {
        ScaledDotProductAttentionBlock djl =
                ScaledDotProductAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .build();
        manager.getEngine().setRandomSeed(21);
        djl.initialize(manager, DataType.FLOAT32, IN);
        byte[] djlFile = save(djl);
        int projections = names(djl).size();

        // DJL -> ours, with a mark-capable stream and with a plain stream ending at the file's end
        for (boolean markable : new boolean[] {true, false}) {
            QamaAttentionBlock ours = qama(Formulation.PAPER_V2);
            manager.getEngine().setRandomSeed(22);
            ours.initialize(manager, DataType.FLOAT32, IN);
            scaleImportance(ours, 3f);
            InputStream in = new ByteArrayInputStream(djlFile);
            if (!markable) {
                in =
                        new FilterInputStream(in) {
                            @Override
                            public boolean markSupported() {
                                return false;
                            }
                        };
            }
            load(ours, in);
            List<float[]> vd = values(djl);
            List<float[]> vo = values(ours);
            for (int i = 0; i < projections; i++) {
                assertArrayEquals(vd.get(i), vo.get(i), 0f, names(djl).get(i));
            }
            assertArrayEquals(new float[] {1, 1, 1, 1}, vo.get(projections), 0f, "e reset to ones");
            forward(ours, manager.randomNormal(IN)); // usable
        }

        // ours -> DJL
        QamaAttentionBlock ours = qama(Formulation.PAPER_V2);
        manager.getEngine().setRandomSeed(23);
        ours.initialize(manager, DataType.FLOAT32, IN);
        ScaledDotProductAttentionBlock other =
                ScaledDotProductAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .build();
        other.initialize(manager, DataType.FLOAT32, IN);
        load(other, new ByteArrayInputStream(save(ours)));
        List<float[]> vo = values(ours);
        List<float[]> vt = values(other);
        for (int i = 0; i < projections; i++) {
            assertArrayEquals(vo.get(i), vt.get(i), 0f);
        }
    }

    @Test
    void aQamaEncoderSavedInTheClassicalLayoutLoadsIntoDjlsEncoder(@TempDir Path dir)
            throws Exception {
        Shape in = new Shape(B, N, E);
        NDArray x = manager.randomNormal(in);
        float[] qamaOut;
        try (Model model = Model.newInstance("encoder", "PyTorch")) {
            QamaTransformerEncoderBlock ours =
                    new QamaTransformerEncoderBlock(
                            E,
                            H,
                            16,
                            0f,
                            Activation::relu,
                            AttentionFactory.qama(b -> b.optBackend(new ExactTestBackend())));
            model.setBlock(ours);
            manager.getEngine().setRandomSeed(41);
            ours.initialize(model.getNDManager(), DataType.FLOAT32, in);
            // the default layout: DJL's encoder cannot read past the QAMA attention
            model.save(dir, "qama");
            try (Model djl = Model.newInstance("qama", "PyTorch")) {
                djl.setBlock(new TransformerEncoderBlock(E, H, 16, 0f, Activation::relu));
                assertThrows(Exception.class, () -> djl.load(dir, "qama"));
            }
            assertEquals(1, QamaAttentionBlock.setParameterLayout(ours, ParameterLayout.CLASSICAL));
            model.save(dir, "classical");
            qamaOut = forward(ours, x);
        }
        try (Model model = Model.newInstance("classical", "PyTorch")) {
            TransformerEncoderBlock djl =
                    new TransformerEncoderBlock(E, H, 16, 0f, Activation::relu);
            model.setBlock(djl);
            model.load(dir, "classical");
            // the same parameters: every projection and norm came across
            try (Model back = Model.newInstance("classical", "PyTorch")) {
                QamaTransformerEncoderBlock ours =
                        new QamaTransformerEncoderBlock(
                                E, H, 16, 0f, Activation::relu, AttentionFactory.classical());
                back.setBlock(ours);
                back.load(dir, "classical");
                assertArrayEquals(forward(djl, x), forward(ours, x), 1e-5f);
            }
            assertEquals(qamaOut.length, forward(djl, x).length);
        }
    }

    @Test
    void aPaperV2FileInAPaperV1BlockNamesTheCause() throws Exception {
        QamaAttentionBlock v2 = qama(Formulation.PAPER_V2);
        manager.getEngine().setRandomSeed(51);
        v2.initialize(manager, DataType.FLOAT32, IN);
        QamaAttentionBlock v1 = qama(Formulation.PAPER_V1);
        v1.initialize(manager, DataType.FLOAT32, IN);
        MalformedModelException e =
                assertThrows(
                        MalformedModelException.class,
                        () ->
                                load(
                                        v1,
                                        new java.io.BufferedInputStream(
                                                new ByteArrayInputStream(save(v2)))));
        assertTrue(e.getMessage().contains("paper-v2") && e.getMessage().contains("CLASSICAL"));
        // saved in the classical layout it loads (e dropped)
        v2.setParameterLayout(ParameterLayout.CLASSICAL);
        load(v1, new java.io.BufferedInputStream(new ByteArrayInputStream(save(v2))));
    }

    @Test
    void aDjlEncoderModelFileLoadsIntoAQamaEncoder(@TempDir Path dir) throws Exception {
        Shape in = new Shape(B, N, E);
        float[] reference;
        NDArray x = manager.randomNormal(in);
        try (Model model = Model.newInstance("encoder", "PyTorch")) {
            TransformerEncoderBlock djl =
                    new TransformerEncoderBlock(E, H, 16, 0f, Activation::relu);
            model.setBlock(djl);
            manager.getEngine().setRandomSeed(31);
            djl.initialize(model.getNDManager(), DataType.FLOAT32, in);
            model.save(dir, "encoder");
            reference = forward(djl, x);
        }
        assertEquals(1, Files.list(dir).filter(p -> p.toString().endsWith(".params")).count());
        // the same file into our encoder with classical attention: identical output
        try (Model model = Model.newInstance("encoder", "PyTorch")) {
            QamaTransformerEncoderBlock ours =
                    new QamaTransformerEncoderBlock(
                            E, H, 16, 0f, Activation::relu, AttentionFactory.classical());
            model.setBlock(ours);
            model.load(dir, "encoder");
            assertArrayEquals(reference, forward(ours, x), 1e-4f);
        }
        // and into our encoder with QAMA attention: loads (e = ones) and runs
        try (Model model = Model.newInstance("encoder", "PyTorch")) {
            QamaTransformerEncoderBlock ours =
                    new QamaTransformerEncoderBlock(
                            E,
                            H,
                            16,
                            0f,
                            Activation::relu,
                            AttentionFactory.qama(b -> b.optBackend(new ExactTestBackend())));
            model.setBlock(ours);
            model.load(dir, "encoder");
            float[] out = forward(ours, x);
            assertEquals(reference.length, out.length);
            Parameter e = ours.getParameters().get("01selfAttention_06valueImportance_importance");
            assertArrayEquals(new float[] {1, 1, 1, 1}, e.getArray().toFloatArray(), 0f);
            // the projections came from the file
            Parameter kw = ours.getParameters().get("01selfAttention_01keyProjection_weight");
            assertEquals(new Shape(E, E), kw.getArray().getShape());
        }
    }
}
