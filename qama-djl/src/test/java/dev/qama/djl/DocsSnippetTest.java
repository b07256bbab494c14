package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.BertBlock;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.djl.QamaAttentionBlock.ParameterLayout;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code snippets of docs/djl-integration.md live here, between {@code tag::} and {@code end::}
 * comments; a test checks that the document quotes them verbatim, so they compile and run.
 */
class DocsSnippetTest {
    static final Path DOC = Path.of("..", "docs", "djl-integration.md");

    // tag::attention[]
    static Block qamaAttention(String backendName) {
        // where the model had ScaledDotProductAttentionBlock.builder()...
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(64)
                .setHeadCount(8)
                .optAttentionProbsDropoutProb(0.1f)
                .optFormulation(QamaAttentionBlock.Formulation.PAPER_V2)
                .optOutputMode(QamaAttentionBlock.OutputMode.SELECTED_KEYS)
                .optBackend(backendName) // e.g. "sb"; omit for Annealers.createDefault()
                .optSeed(42)
                .build();
    }

    // end::attention[]

    // tag::encoder[]
    static Block encoder(boolean quantum, String backendName) {
        AttentionFactory attention =
                quantum
                        ? AttentionFactory.qama(b -> b.optBackend(backendName).optSeed(7))
                        : AttentionFactory.classical();
        // the arguments of DJL's TransformerEncoderBlock, plus the attention
        return new QamaTransformerEncoderBlock(64, 8, 128, 0.1f, Activation::relu, attention);
    }

    static void loadDjlWeights(Model model, Path dir, String name, String backendName)
            throws Exception {
        // a file saved from DJL's TransformerEncoderBlock: the projections load, e starts at ones
        model.setBlock(encoder(true, backendName));
        model.load(dir, name);
    }

    // end::encoder[]

    // tag::bert[]
    static Block classicalBert() {
        return BertBlock.builder()
                .setTokenDictionarySize(50)
                .optTypeDictionarySize(2)
                .optEmbeddingSize(16)
                .optTransformerBlockCount(2)
                .optAttentionHeadCount(2)
                .optHiddenSize(32)
                .optMaxSequenceLength(6)
                .build();
    }

    static Block qamaBert(String backendName) {
        // the options of DJL's BertBlock.builder(), plus the attention of every layer
        return QamaBertBlock.builder()
                .setTokenDictionarySize(50)
                .optTypeDictionarySize(2)
                .optEmbeddingSize(16)
                .optTransformerBlockCount(2)
                .optAttentionHeadCount(2)
                .optHiddenSize(32)
                .optMaxSequenceLength(6)
                .optAttention(AttentionFactory.qama(b -> b.optBackend(backendName).optSeed(7)))
                .build();
    }

    static Block bertClassifier(Block bert) {
        return new SequentialBlock()
                .add(bert) // inputs [tokenIds, typeIds, masks]; outputs [(B, N, E), (B, E)]
                .add(outputs -> new NDList(outputs.get(1))) // the pooled vector
                .add(Linear.builder().setUnits(2).build());
    }

    static float train(Model model, NDList inputs, NDArray labels, int steps) {
        float loss = Float.NaN;
        Loss crossEntropy = Loss.softmaxCrossEntropyLoss(); // no mul(Number) inside
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(crossEntropy))) {
            trainer.initialize(inputs.getShapes()); // keeps parameters loaded from a file
            for (int step = 0; step < steps; step++) {
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray l = crossEntropy.evaluate(new NDList(labels), trainer.forward(inputs));
                    gc.backward(l);
                    loss = l.getFloat();
                }
                trainer.step();
            }
        }
        return loss;
    }

    static void fineTuneWithQama(Path dir, String backendName, NDList inputs, NDArray labels)
            throws Exception {
        try (Model model = Model.newInstance("bert", "PyTorch")) {
            model.setBlock(bertClassifier(qamaBert(backendName)));
            model.load(dir, "bert-classical"); // saved by bertClassifier(classicalBert())
            train(model, inputs, labels, 3);
            model.save(dir, "bert-qama"); // loads into bertClassifier(qamaBert(...))
            QamaAttentionBlock.setParameterLayout(model.getBlock(), ParameterLayout.CLASSICAL);
            model.save(dir, "bert-back"); // loads into bertClassifier(classicalBert())
        }
    }

    // end::bert[]

    // tag::layout[]
    static void saveForDjlsAttention(Model model, Path dir) throws Exception {
        QamaAttentionBlock.setParameterLayout(model.getBlock(), ParameterLayout.CLASSICAL);
        model.save(dir, "classical"); // loads into the model built with DJL's attention
    }

    // end::layout[]

    // tag::blocks[]
    static Block tokenClassifier(String backendName) {
        return new SequentialBlock()
                .add(new TokenEmbeddingBlock(1000, 64)) // ids (B, N) -> (B, N, 64)
                .add(QamaEncoders.sinCosPositions1d(128, 64)) // + sin-cos positions, N <= 128
                .add(
                        new PreNormEncoderBlock(
                                64, 8, 128, AttentionFactory.qama(b -> b.optBackend(backendName))))
                .add(LayerNorm.builder().axis(2).build())
                .add(x -> new NDList(x.head().mean(new int[] {1}))) // mean over tokens
                .add(Linear.builder().setUnits(2).build());
    }

    // end::blocks[]

    // tag::warm[]
    static QamaAttentionBlock warmStartedAttention(AnnealerBackend solver) {
        // e.g. Annealers.create("sb", BackendOptions.parse("warm-ramp=0.3"))
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(64)
                .setHeadCount(8)
                .optBackend(solver)
                .optWarmStarts(true)
                .build();
    }

    static void trainStep(Trainer trainer, NDList x, NDArray y, int[] exampleIndices) {
        try (GradientCollector gc = trainer.newGradientCollector();
                SampleKeys keys = SampleKeys.open(exampleIndices)) { // one key per batch row
            NDArray prediction = trainer.forward(x).singletonOrThrow();
            gc.backward(trainer.getLoss().evaluate(new NDList(y), new NDList(prediction)));
        }
        trainer.step();
    }

    // end::warm[]

    static final String[] TAGS = {"attention", "encoder", "bert", "layout", "blocks", "warm"};

    static List<String> snippet(String tag) throws Exception {
        List<String> lines =
                Files.readAllLines(
                        Path.of("src/test/java/dev/qama/djl/DocsSnippetTest.java"),
                        StandardCharsets.UTF_8);
        int from = lines.indexOf("    // tag::" + tag + "[]");
        int to = lines.indexOf("    // end::" + tag + "[]");
        return lines.subList(from + 1, to).stream()
                .map(l -> l.length() >= 4 ? l.substring(4) : l)
                .toList();
    }

    @Test
    void theDocumentQuotesTheSnippetsVerbatim() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        List<String> snippets = new ArrayList<>();
        for (String tag : TAGS) {
            String text = String.join("\n", snippet(tag)).strip();
            assertTrue(doc.contains(text), "docs/djl-integration.md must quote snippet " + tag);
            snippets.add(text);
        }
        // and every java block of the document is one of them (so every snippet compiles)
        Matcher block = Pattern.compile("(?s)```java\n(.*?)```").matcher(doc);
        int blocks = 0;
        while (block.find()) {
            blocks++;
            String text = block.group(1).strip();
            assertTrue(
                    snippets.contains(text),
                    "a java block of docs/djl-integration.md is not a snippet of this file: "
                            + text.lines().findFirst().orElse(""));
        }
        assertEquals(TAGS.length, blocks);
    }

    @Test
    void theWarmStartSnippetRuns() throws Exception {
        Shape in = new Shape(2, 5, 64);
        try (AnnealerBackend sb =
                        dev.qama.core.spi.Annealers.create(
                                "sb", dev.qama.core.spi.BackendOptions.parse("warm-ramp=0.3"));
                Model model = Model.newInstance("warm", "PyTorch")) {
            QamaAttentionBlock attention = warmStartedAttention(sb);
            model.setBlock(attention);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
                trainer.initialize(in);
                NDManager m = trainer.getManager();
                NDArray x = m.randomNormal(in);
                NDArray y = m.zeros(in);
                trainStep(trainer, new NDList(x), y, new int[] {4, 9});
                assertEquals(2, attention.getWarmStartCount());
                trainStep(trainer, new NDList(x), y, new int[] {4, 9});
                assertEquals(2, attention.getWarmStartCount());
            }
        }
    }

    @Test
    void theBuildingBlocksSnippetRuns() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Block net = tokenClassifier("test-exact");
            Shape ids = new Shape(2, 5);
            net.initialize(m, DataType.FLOAT32, ids);
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 999, 0, 7, 7, 7}, ids);
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertEquals(new Shape(2, 2), y.getShape());
        }
    }

    @Test
    void theSnippetsRun(@TempDir Path dir) throws Exception {
        Shape in = new Shape(2, 3, 64);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Block attention = qamaAttention("test-exact");
            attention.initialize(m, DataType.FLOAT32, in);
            NDArray x = m.randomNormal(in);
            NDArray out =
                    attention.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertEquals(in, out.getShape());
            for (boolean quantum : new boolean[] {false, true}) {
                Block enc = encoder(quantum, "test-exact");
                enc.initialize(m, DataType.FLOAT32, in);
                NDArray mask = m.ones(new Shape(2, 3, 3));
                NDArray y =
                        enc.forward(new ParameterStore(m, false), new NDList(x, mask), false)
                                .head();
                assertEquals(in, y.getShape());
            }
        }
        try (Model djl = Model.newInstance("enc", "PyTorch")) {
            TransformerEncoderBlock block =
                    new TransformerEncoderBlock(64, 8, 128, 0.1f, Activation::relu);
            djl.setBlock(block);
            block.initialize(djl.getNDManager(), DataType.FLOAT32, in);
            djl.save(dir, "enc");
        }
        try (Model model = Model.newInstance("enc", "PyTorch")) {
            loadDjlWeights(model, dir, "enc", "test-exact");
            NDArray x = model.getNDManager().randomNormal(in);
            NDArray y =
                    model.getBlock()
                            .forward(
                                    new ParameterStore(model.getNDManager(), false),
                                    new NDList(x),
                                    false)
                            .head();
            assertEquals(in, y.getShape());
            // DJL's Model.save needs input names, which only initialize sets (not load)
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, in);
            saveForDjlsAttention(model, dir);
        }
        try (Model djl = Model.newInstance("enc", "PyTorch")) {
            djl.setBlock(new TransformerEncoderBlock(64, 8, 128, 0.1f, Activation::relu));
            djl.load(dir, "classical"); // the QAMA encoder's file in DJL's layout
        }
    }
}
