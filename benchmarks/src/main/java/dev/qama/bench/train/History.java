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
     */
    public record Epoch(
            int epoch, double loss, double trainAccuracy, double seconds, double solverSeconds) {}

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
        StringBuilder sb = new StringBuilder("epoch,loss,train_accuracy,seconds,solver_seconds\n");
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
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses {@link #toCsv} text.
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
            String[] f = lines[i].split(",");
            try {
                h.add(
                        new Epoch(
                                Integer.parseInt(f[0]),
                                Double.parseDouble(f[1]),
                                Double.parseDouble(f[2]),
                                Double.parseDouble(f[3]),
                                Double.parseDouble(f[4])));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        source + ":" + (i + 1) + ": not an epoch line: " + lines[i], e);
            }
        }
        return h;
    }
}
