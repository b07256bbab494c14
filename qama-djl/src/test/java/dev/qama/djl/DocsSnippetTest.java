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
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        for (String tag : new String[] {"attention", "encoder"}) {
            String text = String.join("\n", snippet(tag)).strip();
            assertTrue(doc.contains(text), "docs/djl-integration.md must quote snippet " + tag);
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
        }
    }
}
