package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.djl.QamaAttentionBlock.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 7: a forward + backward pass gives the same output and the same gradients (for the input
 * and every parameter) whether the solver gets dense or factored couplings, with the selection held
 * fixed so that both blocks differentiate at the same state.
 */
class FactoredDenseGradientTest {
    private static final int B = 2;
    private static final int N = 12;
    private static final int E = 8;
    private static final int H = 2;

    @ParameterizedTest
    @EnumSource(OutputMode.class)
    void denseAndFactoredBlocksHaveTheSameGradients(OutputMode mode) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            manager.getEngine().setRandomSeed(3);
            NDArray x = manager.randomNormal(new Shape(B, N, E));
            QamaAttentionBlock dense = block(mode, CouplingForm.DENSE);
            QamaAttentionBlock factored = block(mode, CouplingForm.FACTORED);
            dense.initialize(manager, DataType.FLOAT32, x.getShape());
            factored.initialize(manager, DataType.FLOAT32, x.getShape());
            factored.loadParameters(
                    manager,
                    new DataInputStream(
                            new ByteArrayInputStream(QamaSerializationTest.save(dense))));
            // loaded arrays are new: ask for their gradients as initialize() did
            factored.getParameters()
                    .forEach(p -> p.getValue().getArray().setRequiresGradient(true));
            List<float[]> gd = pass(manager, dense, x);
            List<float[]> gf = pass(manager, factored, x);
            assertTrue(gd.size() > 5, "output, input gradient and parameter gradients");
            for (int k = 0; k < gd.size(); k++) {
                float[] a = gd.get(k);
                float[] b = gf.get(k);
                float scale = 1e-6f;
                for (float v : a) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertArrayEquals(a, b, 1e-4f * scale, "array " + k);
            }
        }
    }

    private static QamaAttentionBlock block(OutputMode mode, CouplingForm form) {
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(E)
                .setHeadCount(H)
                .optAttentionProbsDropoutProb(0f)
                .optOutputMode(mode)
                .optCouplingForm(form)
                .optBackend(new ExactTestBackend(QamaGradientTest::pattern))
                .build();
    }

    /** The output, then the gradients of X and of every parameter, of one pass. */
    private static List<float[]> pass(NDManager manager, QamaAttentionBlock block, NDArray x0) {
        NDArray x = x0.duplicate();
        x.setRequiresGradient(true);
        List<float[]> out = new ArrayList<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y =
                    block.forward(new ParameterStore(manager, false), new NDList(x), true).head();
            // a weighted sum, so that the output gradient differs across entries
            NDArray weights = manager.arange((float) y.size()).reshape(y.getShape()).sin();
            gc.backward(y.mul(weights).sum());
            out.add(y.toFloatArray());
        }
        out.add(x.getGradient().toFloatArray());
        // getParameters() lists the block's own and its children's parameters, in order
        block.getParameters()
                .forEach(
                        p -> {
                            NDArray a = p.getValue().getArray();
                            if (a.hasGradient()) {
                                out.add(a.getGradient().toFloatArray());
                            }
                        });
        return out;
    }
}
