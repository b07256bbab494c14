package dev.qama.bench.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-epoch measurements of a run, safe to read from another thread (the interrupt hook) while
 * training appends to it.
 */
public final class History {
    /**
     * One finished epoch.
     *
     * @param epoch 1-based
     * @param loss mean training loss over the epoch's steps (weighted by batch size)
     * @param trainAccuracy share of the epoch's training examples classified correctly while
     *     training (running accuracy)
     * @param seconds wall-clock seconds of training so far
     * @param solverSeconds seconds spent in the annealer backend so far
     * @param testAccuracy accuracy on the held-out split after this epoch, or NaN when the run did
     *     not evaluate after this epoch ({@code --eval-every}); monitoring only
     */
    public record Epoch(
            int epoch,
            double loss,
            double trainAccuracy,
            double seconds,
            double solverSeconds,
            double testAccuracy) {

        /** An epoch without a test evaluation. */
        public Epoch(
                int epoch,
                double loss,
                double trainAccuracy,
                double seconds,
                double solverSeconds) {
            this(epoch, loss, trainAccuracy, seconds, solverSeconds, Double.NaN);
        }

        /** Whether the held-out split was evaluated after this epoch. */
        public boolean evaluated() {
            return !Double.isNaN(testAccuracy);
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();

    /** Appends an epoch. */
    public synchronized void add(Epoch e) {
        epochs.add(e);
    }

    /** A copy of the epochs so far. */
    public synchronized List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    /** The last epoch, or null. */
    public synchronized Epoch last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    /** CSV text: a header line and one line per epoch. */
    public synchronized String toCsv() {
        StringBuilder sb =
                new StringBuilder(
                        "epoch,loss,train_accuracy,seconds,solver_seconds,test_accuracy\n");
        for (Epoch e : epochs) {
            sb.append(e.epoch())
                    .append(',')
                    .append(e.loss())
                    .append(',')
                    .append(e.trainAccuracy())
                    .append(',')
                    .append(e.seconds())
                    .append(',')
                    .append(e.solverSeconds())
                    .append(',')
                    .append(e.evaluated() ? Double.toString(e.testAccuracy()) : "")
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses {@link #toCsv} text (also the five-column files written before the test-accuracy
     * column existed).
     *
     * @throws IllegalArgumentException naming the bad line
     */
    public static History parseCsv(String text, String source) {
        History h = new History();
        String[] lines = text.split("\\R");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            try {
                if (f.length != 5 && f.length != 6) {
                    throw new IllegalArgumentException(f.length + " fields");
                }
                h.add(
                        new Epoch(
                                Integer.parseInt(f[0]),
                                Double.parseDouble(f[1]),
                                Double.parseDouble(f[2]),
                                Double.parseDouble(f[3]),
                                Double.parseDouble(f[4]),
                                f.length == 6 && !f[5].isEmpty()
                                        ? Double.parseDouble(f[5])
                                        : Double.NaN));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        source + ":" + (i + 1) + ": not an epoch line: " + lines[i], e);
            }
        }
        return h;
    }
}
