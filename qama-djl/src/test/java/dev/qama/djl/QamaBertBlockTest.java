package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QamaBertBlock against DJL's BertBlock: the same parameter names and file layout, the same
 * function with classical attention, and the user's path of docs/djl-integration.md (a BertBlock
 * trained classically, converted, fine-tuned with QAMA, saved, loaded, and handed back to DJL).
 */
class QamaBertBlockTest {
    static final int B = 4;
    static final int N = 6; // = optMaxSequenceLength of the snippets: DJL adds the whole table

    /** Token ids, type ids and masks (the last two tokens of elements 1 and 3 are padding). */
    static NDList inputs(NDManager m) {
        int[] tokens = new int[B * N];
        int[] types = new int[B * N];
        float[] masks = new float[B * N];
        for (int i = 0; i < B * N; i++) {
            tokens[i] = (i * 7 + 3) % 50;
            types[i] = (i % N) < N / 2 ? 0 : 1;
            int b = i / N;
            masks[i] = (b % 2 == 1 && i % N >= N - 2) ? 0 : 1;
        }
        Shape s = new Shape(B, N);
        return new NDList(m.create(tokens, s), m.create(types, s), m.create(masks, s));
    }

    static NDArray labels(NDManager m) {
        return m.create(new float[] {0, 1, 1, 0});
    }

    /** Parameter values by name, the top-level child's name (its class name) removed. */
    static Map<String, float[]> values(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            String name = p.getKey().replaceFirst("^01(Qama)?BertBlock_", "01Bert_");
            out.put(name, p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    static List<String> names(Block block) {
        return block.getParameters().stream().map(Pair::getKey).toList();
    }

    static byte[] save(Block block) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream os = new DataOutputStream(bytes)) {
            block.saveParameters(os);
        }
        return bytes.toByteArray();
    }

    static NDList predict(Block block, NDManager m, NDList in) {
        return block.forward(new ParameterStore(m, false), in, false);
    }

    @Test
    void parameterNamesShapesAndFileLayoutAreDjls() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDList in = inputs(m);
            Block djl = DocsSnippetTest.classicalBert();
            Block classical =
                    QamaBertBlock.builder()
                            .setTokenDictionarySize(50)
                            .optTypeDictionarySize(2)
                            .optEmbeddingSize(16)
                            .optTransformerBlockCount(2)
                            .optAttentionHeadCount(2)
                            .optHiddenSize(32)
                            .optMaxSequenceLength(N)
                            .optAttention(AttentionFactory.classical())
                            .build();
            Block qama = DocsSnippetTest.qamaBert("test-exact");
            for (Block b : new Block[] {djl, classical, qama}) {
                m.getEngine().setRandomSeed(5);
                b.initialize(m, DataType.FLOAT32, in.getShapes());
            }
            assertEquals(names(djl), names(classical));
            List<String> ours = names(qama);
            List<String> extra = ours.stream().filter(n -> n.contains("valueImportance")).toList();
            assertEquals(
                    List.of(
                            "05transformer_0_01selfAttention_06valueImportance_importance",
                            "06transformer_1_01selfAttention_06valueImportance_importance"),
                    extra);
            assertEquals(names(djl), ours.stream().filter(n -> !extra.contains(n)).toList());
            for (Pair<String, Parameter> p : djl.getParameters()) {
                assertEquals(
                        p.getValue().getArray().getShape(),
                        qama.getParameters().get(p.getKey()).getArray().getShape(),
                        p.getKey());
            }

            // with classical attention it is DJL's BertBlock: a DJL file loads and gives DJL's
            // outputs, and it writes DJL's file byte for byte
            byte[] djlFile = save(djl);
            classical.loadParameters(m, new DataInputStream(new ByteArrayInputStream(djlFile)));
            assertArrayEquals(djlFile, save(classical));
            NDList a = predict(djl, m, in);
            NDList b = predict(classical, m, in);
            assertEquals(2, b.size());
            assertEquals(new Shape(B, N, 16), b.get(0).getShape());
            assertEquals(new Shape(B, 16), b.get(1).getShape());
            assertArrayEquals(a.get(0).toFloatArray(), b.get(0).toFloatArray(), 0f);
            assertArrayEquals(a.get(1).toFloatArray(), b.get(1).toFloatArray(), 0f);

            // the QAMA block reads the same file; its output moves away from DJL's
            qama.loadParameters(m, new DataInputStream(new ByteArrayInputStream(djlFile)));
            NDList c = predict(qama, m, in);
            assertEquals(a.get(0).getShape(), c.get(0).getShape());
            assertFalse(a.get(0).allClose(c.get(0), 1e-3, 1e-3, false));
        }
    }

    @Test
    void classicallyTrainedBertIsFineTunedWithQamaSavedLoadedAndHandedBack(@TempDir Path dir)
            throws Exception {
        Map<String, float[]> classicalTrained;
        float classicalLoss;
        try (Model model = Model.newInstance("bert", "PyTorch")) {
            NDManager m = model.getNDManager();
            m.getEngine().setRandomSeed(21);
            model.setBlock(DocsSnippetTest.bertClassifier(DocsSnippetTest.classicalBert()));
            classicalLoss = DocsSnippetTest.train(model, inputs(m), labels(m), 3);
            classicalTrained = values(model.getBlock());
            model.save(dir, "bert-classical");
        }
        assertTrue(Float.isFinite(classicalLoss));

        // the classical file loads into the QAMA model: every DJL parameter, e = ones
        try (Model model = Model.newInstance("bert", "PyTorch")) {
            model.setBlock(DocsSnippetTest.bertClassifier(DocsSnippetTest.qamaBert("sb")));
            model.load(dir, "bert-classical");
            Map<String, float[]> loaded = values(model.getBlock());
            assertEquals(classicalTrained.size() + 2, loaded.size());
            classicalTrained.forEach((k, v) -> assertArrayEquals(v, loaded.get(k), 0f, k));
            loaded.entrySet().stream()
                    .filter(e -> e.getKey().contains("valueImportance"))
                    .forEach(
                            e ->
                                    assertArrayEquals(
                                            new float[] {1, 1, 1, 1, 1, 1, 1, 1}, e.getValue()));
        }

        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            DocsSnippetTest.fineTuneWithQama(dir, "sb", inputs(m), labels(m));
        }

        Map<String, float[]> qamaTuned;
        try (Model model = Model.newInstance("bert", "PyTorch")) {
            model.setBlock(DocsSnippetTest.bertClassifier(DocsSnippetTest.qamaBert("sb")));
            model.load(dir, "bert-qama");
            qamaTuned = values(model.getBlock());
            NDManager m = model.getNDManager();
            NDList in = inputs(m);
            NDArray logits = predict(model.getBlock(), m, in).head();
            assertEquals(new Shape(B, 2), logits.getShape());
            for (float v : logits.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
            // a second load of the same file predicts the same (up to the last bits)
            try (Model again = Model.newInstance("bert", "PyTorch")) {
                again.setBlock(DocsSnippetTest.bertClassifier(DocsSnippetTest.qamaBert("sb")));
                again.load(dir, "bert-qama");
                NDArray other =
                        predict(
                                        again.getBlock(),
                                        again.getNDManager(),
                                        inputs(again.getNDManager()))
                                .head();
                assertArrayEquals(logits.toFloatArray(), other.toFloatArray(), 1e-5f);
            }
        }
        // fine-tuning moved the attention projections and the value importance
        String query = "01Bert_05transformer_0_01selfAttention_02queryProjection_weight";
        assertFalse(java.util.Arrays.equals(classicalTrained.get(query), qamaTuned.get(query)));
        float[] e =
                qamaTuned.get(
                        "01Bert_05transformer_0_01selfAttention_06valueImportance_importance");
        assertFalse(java.util.Arrays.equals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, e));

        // the classical-layout file loads into DJL's BertBlock with the QAMA-tuned values
        try (Model model = Model.newInstance("bert", "PyTorch")) {
            model.setBlock(DocsSnippetTest.bertClassifier(DocsSnippetTest.classicalBert()));
            model.load(dir, "bert-back");
            Map<String, float[]> back = values(model.getBlock());
            assertEquals(classicalTrained.keySet(), back.keySet());
            back.forEach((k, v) -> assertArrayEquals(qamaTuned.get(k), v, 0f, k));
        }
    }

    @Test
    void badOptionsAndInputsAreNamed() {
        IllegalArgumentException noDictionary =
                assertThrows(IllegalArgumentException.class, () -> QamaBertBlock.builder().build());
        assertTrue(noDictionary.getMessage().contains("setTokenDictionarySize"));
        IllegalArgumentException heads =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                QamaBertBlock.builder()
                                        .setTokenDictionarySize(10)
                                        .optEmbeddingSize(10)
                                        .optAttentionHeadCount(3)
                                        .build());
        assertTrue(heads.getMessage().contains("3") && heads.getMessage().contains("10"));
        QamaBertBlock block = (QamaBertBlock) DocsSnippetTest.qamaBert("test-exact");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            IllegalArgumentException shapes =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> block.initialize(m, DataType.FLOAT32, new Shape(B, N)));
            assertTrue(shapes.getMessage().contains("token ids, type ids and a mask"));
        }
    }
}
