package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.L2Loss;
import org.junit.jupiter.api.Test;

/** The listener reports the epoch's solver account and writes DJL metrics. */
class QamaTrainingListenerTest {

    @Test
    void anEpochReportsSelectionsEnergyAndSolverTime() {
        int b = 3;
        int n = 6;
        int e = 8;
        SolverStatistics stats =
                new SolverStatistics(new ExactTestBackend(QamaSelectionGradientTest::firstThree));
        QamaTrainingListener listener = new QamaTrainingListener(stats);
        try (Model model = Model.newInstance("listener", "PyTorch")) {
            model.setBlock(
                    QamaAttentionBlock.builder()
                            .setEmbeddingSize(e)
                            .setHeadCount(2)
                            .optBackend(stats)
                            .build());
            DefaultTrainingConfig cfg =
                    new DefaultTrainingConfig(new L2Loss()).addTrainingListeners(listener);
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.setMetrics(new Metrics());
                trainer.initialize(new Shape(b, n, e));
                trainer.notifyListeners(l -> l.onTrainingBegin(trainer));
                for (int step = 0; step < 2; step++) {
                    NDArray x = trainer.getManager().randomNormal(new Shape(b, n, e));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray y = trainer.forward(new NDList(x)).head();
                        gc.backward(y.square().sum());
                    }
                    trainer.step();
                }
                trainer.notifyListeners(l -> l.onEpoch(trainer));
                QamaTrainingListener.Epoch epoch = listener.lastEpoch();
                SolverStatistics.Snapshot s = epoch.statistics();
                assertEquals(2, s.calls());
                assertEquals(2L * b, s.problems());
                assertEquals(2, s.selectedPerHead().length);
                assertEquals(0.5, s.selectedPerHead()[0], 1e-12, "3 of 6 tokens");
                assertEquals(1.0, s.headOverlap(), 1e-12, "both heads select the same tokens");
                assertTrue(Double.isFinite(s.meanEnergy()));
                assertTrue(s.seconds() > 0 && epoch.solverShare() > 0 && epoch.solverShare() <= 1);
                Metrics m = trainer.getMetrics();
                assertEquals(0.5, m.latestMetric("qama_selected_h1").getValue(), 1e-12);
                assertEquals(s.meanEnergy(), m.latestMetric("qama_mean_energy").getValue(), 1e-9);
                // the next epoch starts from zero
                trainer.notifyListeners(l -> l.onEpoch(trainer));
                assertEquals(0, listener.lastEpoch().statistics().problems());
            }
        }
    }
}
