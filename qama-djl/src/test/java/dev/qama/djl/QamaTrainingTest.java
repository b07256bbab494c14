package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A 30-step training run on a small synthetic task lowers the loss with QAMA attention as with
 * DJL's classical attention, with the exact test backend and with qama-cim-sim's "sb". Task: from 6
 * tokens of 8 features, predict the mean over tokens of feature 0 times feature 1 (the model must
 * combine information across tokens).
 */
class QamaTrainingTest {
    static final int SAMPLES = 64;
    static final int BATCH = 16;
    static final int N = 6;
    static final int E = 8;
    static final int STEPS = 30;

    static Block attention(String kind) {
        return switch (kind) {
            case "classical" ->
                    ScaledDotProductAttentionBlock.builder()
                            .setEmbeddingSize(E)
                            .setHeadCount(2)
                            .optAttentionProbsDropoutProb(0f)
                            .build();
            default -> {
                String[] p = kind.split("/");
                QamaAttentionBlock.Builder b =
                        QamaAttentionBlock.builder()
                                .setEmbeddingSize(E)
                                .setHeadCount(2)
                                .optAttentionProbsDropoutProb(0f)
                                .optFormulation(Formulation.valueOf(p[0]))
                                .optOutputMode(OutputMode.valueOf(p[1]))
                                .optBits(p[0].equals("PAPER_V1") ? 2 : 1)
                                .optSeed(1);
                // a third field names a real backend of qama-cim-sim, e.g. "sb"
                yield p.length > 2
                        ? b.optBackend(p[2]).build()
                        : b.optBackend(new ExactTestBackend()).build();
            }
        };
    }

    /** Mean loss of the first and last 5 steps. */
    static float[] train(Supplier<Block> attention) {
        SequentialBlock net =
                new SequentialBlock()
                        .add(attention.get())
                        .add(x -> new NDList(x.head().mean(new int[] {1})))
                        .add(Linear.builder().setUnits(1).build());
        try (Model model = Model.newInstance("synthetic", "PyTorch")) {
            model.setBlock(net);
            NDManager m = model.getNDManager();
            m.getEngine().setRandomSeed(1234);
            NDArray x = m.randomNormal(new Shape(SAMPLES, N, E));
            NDArray y =
                    x.get(new NDIndex(":, :, 0"))
                            .mul(x.get(new NDIndex(":, :, 1")))
                            .mean(new int[] {1})
                            .mul(3f)
                            .reshape(SAMPLES, 1);
            DefaultTrainingConfig cfg =
                    new DefaultTrainingConfig(Loss.l2Loss())
                            .optDevices(new Device[] {Device.cpu()})
                            .optOptimizer(
                                    Adam.builder()
                                            .optLearningRateTracker(Tracker.fixed(0.02f))
                                            .build());
            float first = 0;
            float last = 0;
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(BATCH, N, E));
                for (int step = 0; step < STEPS; step++) {
                    int from = (step % (SAMPLES / BATCH)) * BATCH;
                    NDIndex rows = new NDIndex(from + ":" + (from + BATCH));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray pred = trainer.forward(new NDList(x.get(rows))).head();
                        // mean squared error written out: DJL's L2Loss multiplies by a Number,
                        // which autograd may read after DJL freed it (see Host.scale)
                        NDArray loss = pred.sub(y.get(rows)).square().mean();
                        gc.backward(loss);
                        float v = loss.getFloat();
                        System.out.println("STEP " + step + " " + v);
                        if (step < 5) {
                            first += v / 5;
                        } else if (step >= STEPS - 5) {
                            last += v / 5;
                        }
                    }
                    trainer.step();
                }
            }
            return new float[] {first, last};
        }
    }

    @ParameterizedTest
    @CsvSource({
        "classical",
        "PAPER_V2/PAPER",
        "PAPER_V2/VALUES",
        "PAPER_V1/PAPER",
        "PAPER_V1/VALUES",
        "PAPER_V2/PAPER/sb",
        "PAPER_V2/VALUES/sb"
    })
    void thirtyStepsLowerTheLoss(String kind) {
        float[] loss = train(() -> attention(kind));
        System.out.printf("training %s: loss %.4f -> %.4f%n", kind, loss[0], loss[1]);
        assertTrue(loss[1] < 0.8f * loss[0], kind + ": " + loss[0] + " -> " + loss[1]);
    }
}
