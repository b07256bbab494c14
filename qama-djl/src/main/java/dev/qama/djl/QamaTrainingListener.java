package dev.qama.djl;

import ai.djl.metric.Metrics;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DJL {@link ai.djl.training.listener.TrainingListener} that reports, per epoch, what the
 * annealer did for the QAMA blocks of the model: solver seconds and their share of the epoch's
 * wall-clock time, the mean energy of the selections, each head's selected share and the heads'
 * overlap (see {@link SolverStatistics.Snapshot}). It adds them to the trainer's {@link Metrics}
 * (names {@code qama_solver_seconds}, {@code qama_solver_share}, {@code qama_mean_energy}, {@code
 * qama_head_overlap}, {@code qama_selected_h0}, ...), logs one line per epoch and keeps the last
 * epoch's figures ({@link #lastEpoch()}).
 *
 * <pre>{@code
 * SolverStatistics stats = new SolverStatistics(Annealers.create("sb"));
 * // ... build the model's QAMA blocks with optBackend(stats) ...
 * DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
 *         .addTrainingListeners(TrainingListener.Defaults.logging())
 *         .addTrainingListeners(new QamaTrainingListener(stats));
 * EasyTrain.fit(trainer, epochs, trainSet, validateSet);
 * }</pre>
 *
 * The figures cover every solve since the previous epoch's end, validation passes included when
 * they run inside the epoch (as in {@code EasyTrain.fit}).
 */
public final class QamaTrainingListener extends TrainingListenerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(QamaTrainingListener.class);

    /** A finished epoch: the statistics and the epoch's wall-clock seconds. */
    public record Epoch(SolverStatistics.Snapshot statistics, double seconds) {
        /** Solver seconds over the epoch's seconds (0 when the epoch took no time). */
        public double solverShare() {
            return seconds <= 0 ? 0 : statistics.seconds() / seconds;
        }
    }

    private final SolverStatistics statistics;
    private long epochStart = System.nanoTime();
    private volatile Epoch last;

    /** Reports from {@code statistics}, the backend wrapper the model's QAMA blocks use. */
    public QamaTrainingListener(SolverStatistics statistics) {
        if (statistics == null) {
            throw new IllegalArgumentException("statistics is null");
        }
        this.statistics = statistics;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        startEpoch(); // solves before training (initialisation) are not an epoch's
    }

    /**
     * Starts the next epoch's account here: drops what was solved since the last epoch ended and
     * restarts its clock. For training loops that evaluate between epochs and want the figures of
     * the training steps only ({@code EasyTrain.fit} needs no call).
     */
    public void startEpoch() {
        statistics.take();
        epochStart = System.nanoTime();
    }

    @Override
    public void onEpoch(Trainer trainer) {
        long now = System.nanoTime();
        Epoch e = new Epoch(statistics.take(), (now - epochStart) * 1e-9);
        epochStart = now;
        last = e;
        Metrics metrics = trainer.getMetrics();
        if (metrics != null) {
            SolverStatistics.Snapshot s = e.statistics();
            metrics.addMetric("qama_solver_seconds", s.seconds());
            metrics.addMetric("qama_solver_share", e.solverShare());
            if (s.problems() > 0) {
                metrics.addMetric("qama_mean_energy", s.meanEnergy());
                metrics.addMetric("qama_head_overlap", s.headOverlap());
                double[] sel = s.selectedPerHead();
                for (int t = 0; t < sel.length; t++) {
                    metrics.addMetric("qama_selected_h" + t, sel[t]);
                }
            }
        }
        if (LOG.isInfoEnabled()) {
            SolverStatistics.Snapshot s = e.statistics();
            LOG.info(
                    String.format(
                            java.util.Locale.ROOT,
                            "QAMA: solver %.1f s (%.0f %% of the epoch), mean energy %.4g,"
                                    + " selected %.2f, head overlap %.2f",
                            s.seconds(),
                            100 * e.solverShare(),
                            s.meanEnergy(),
                            s.meanSelected(),
                            s.headOverlap()));
        }
    }

    /** The last finished epoch, or null before the first. */
    public Epoch lastEpoch() {
        return last;
    }
}
