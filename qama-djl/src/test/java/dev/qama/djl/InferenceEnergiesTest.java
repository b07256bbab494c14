package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.core.formulation.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When the engine records nothing for autograd (inference outside a GradientCollector) the block
 * takes the per-token energies from the solved problems on the host and uploads them with w,
 * instead of rebuilding them with NDArray operations; the output is the same as with the device's
 * energies (computed when a GradientCollector records the pass), up to float rounding.
 */
class InferenceEnergiesTest {
    static final int B = 2;
    static final int N = 6;
    static final int E = 8;
    static final int H = 2;
    static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** A formulation that counts the device-side energy computations of {@code inner}. */
    static HeadFormulation counting(HeadFormulation inner, AtomicInteger calls) {
        return new HeadFormulation() {
            @Override
            public String cliName() {
                return inner.cliName();
            }

            @Override
            public int defaultBits() {
                return inner.defaultBits();
            }

            @Override
            public boolean learnsValueImportance() {
                return inner.learnsValueImportance();
            }

            @Override
            public boolean hasSelectionFields() {
                return inner.hasSelectionFields();
            }

            @Override
            public HeadTerms terms(Options o, int headSize) {
                HeadTerms t = inner.terms(o, headSize);
                return new HeadTerms() {
                    @Override
                    public Formulation formulation() {
                        return t.formulation();
                    }

                    @Override
                    public Prepared prepare(
                            NDArray q,
                            NDArray k,
                            NDArray v,
                            NDArray e,
                            Host.Heads host,
                            boolean[] mask) {
                        Prepared p = t.prepare(q, k, v, e, host, mask);
                        return new Prepared() {
                            @Override
                            public Formulation formulation() {
                                return p.formulation();
                            }

                            @Override
                            public dev.qama.core.formulation.AttentionInputs inputs() {
                                return p.inputs();
                            }

                            @Override
                            public NDArray tokenEnergies(NDArray w) {
                                calls.incrementAndGet();
                                return p.tokenEnergies(w);
                            }

                            @Override
                            public NDArray directions() {
                                return p.directions();
                            }
                        };
                    }
                };
            }
        };
    }

    @ParameterizedTest(name = "{0} {1}, reads={2} averaged={3}")
    @CsvSource({
        "PAPER_V2, SELECTED_KEYS, 1, false",
        "PAPER_V2, VALUES, 1, false",
        "PAPER_V2, PAPER, 1, false",
        "PAPER_V1, SELECTED_KEYS, 1, false",
        "PAPER_V1, PAPER, 1, false",
        "PAPER_V2, SELECTED_KEYS, 3, true"
    })
    void inferenceTakesTheProblemsEnergies(
            QamaAttentionBlock.Formulation f, OutputMode mode, int reads, boolean averaged) {
        AtomicInteger calls = new AtomicInteger();
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .formulation(counting(f.kind(), calls))
                        .optOutputMode(mode)
                        .optSelectionWarmup(0) // r = 1: the energies weigh from the start
                        .optReads(reads)
                        .optAverageReads(averaged)
                        .optBackend(new ExactTestBackend(QamaGradientTest::pattern))
                        .build();
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(B, N, E);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(in);
            float[] host = block.forward(ps, new NDList(x), false).head().toFloatArray();
            // a mean of reads keeps the device's energies; otherwise the host's are used
            assertEquals(averaged ? 1 : 0, calls.get(), "device energy computations");
            float[] device;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                device = block.forward(ps, new NDList(x), false).head().toFloatArray();
            }
            assertEquals(averaged ? 2 : 1, calls.get(), "device energy computations");
            for (int i = 0; i < host.length; i++) {
                assertEquals(device[i], host[i], 1e-5 * (1 + Math.abs(device[i])), "entry " + i);
            }
        }
    }
}
