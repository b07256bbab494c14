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
     * @param diagnostics what the epoch's training steps looked like inside the attention, or null
     *     (files written before it existed)
     */
    public record Epoch(
            int epoch,
            double loss,
            double trainAccuracy,
            double seconds,
            double solverSeconds,
            double testAccuracy,
            Diagnostics diagnostics) {

        /** An epoch without diagnostics. */
        public Epoch(
                int epoch,
                double loss,
                double trainAccuracy,
                double seconds,
                double solverSeconds,
                double testAccuracy) {
            this(epoch, loss, trainAccuracy, seconds, solverSeconds, testAccuracy, null);
        }

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

    /**
     * Per-epoch means over the training steps of what happens inside the attention.
     *
     * @param gradQuery mean Frobenius norm of the gradient of the query projections' weights
     *     (summed over layers) per step
     * @param gradKey the same for the key projections
     * @param gradValue the same for the value projections
     * @param meanEnergy QAMA: mean energy of the solver's best state per problem (NaN for
     *     classical)
     * @param headOverlap QAMA: share of the selected (head, token) pairs whose token another head
     *     selected too (0 = heads select disjoint tokens, 1 = every selected token is shared); NaN
     *     for classical
     * @param selectedPerHead QAMA: per head, the mean selected weight Σ_i w_{t,i} / unmasked tokens
     *     (empty for classical)
     */
    public record Diagnostics(
            double gradQuery,
            double gradKey,
            double gradValue,
            double meanEnergy,
            double headOverlap,
            double[] selectedPerHead) {

        /** The CSV column names after the six basic ones, for {@code heads} heads. */
        static List<String> columns(int heads) {
            List<String> c =
                    new ArrayList<>(
                            List.of(
                                    "grad_query",
                                    "grad_key",
                                    "grad_value",
                                    "mean_energy",
                                    "head_overlap"));
            for (int t = 0; t < heads; t++) {
                c.add("selected_h" + t);
            }
            return c;
        }

        /** The mean selected fraction over heads, or NaN without selections. */
        public double meanSelected() {
            if (selectedPerHead.length == 0) {
                return Double.NaN;
            }
            double s = 0;
            for (double f : selectedPerHead) {
                s += f;
            }
            return s / selectedPerHead.length;
        }
    }

    /** epoch, loss, train_accuracy, seconds, solver_seconds, test_accuracy. */
    private static final int BASIC_COLUMNS = 6;

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

    /**
     * CSV text: a header line and one line per epoch; the diagnostics columns (see {@link
     * Diagnostics}) follow the six basic ones when the epochs have them.
     */
    public synchronized String toCsv() {
        int heads = -1;
        for (Epoch e : epochs) {
            if (e.diagnostics() != null) {
                heads = Math.max(heads, e.diagnostics().selectedPerHead().length);
            }
        }
        StringBuilder sb =
                new StringBuilder("epoch,loss,train_accuracy,seconds,solver_seconds,test_accuracy");
        if (heads >= 0) {
            sb.append(',').append(String.join(",", Diagnostics.columns(heads)));
        }
        sb.append('\n');
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
                    .append(e.evaluated() ? Double.toString(e.testAccuracy()) : "");
            if (heads >= 0) {
                Diagnostics d = e.diagnostics();
                double[] v = new double[5 + heads];
                java.util.Arrays.fill(v, Double.NaN);
                if (d != null) {
                    v[0] = d.gradQuery();
                    v[1] = d.gradKey();
                    v[2] = d.gradValue();
                    v[3] = d.meanEnergy();
                    v[4] = d.headOverlap();
                    System.arraycopy(d.selectedPerHead(), 0, v, 5, d.selectedPerHead().length);
                }
                for (double x : v) {
                    sb.append(',').append(Double.isNaN(x) ? "" : Double.toString(x));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses {@link #toCsv} text (also the five-column files written before the test-accuracy
     * column existed, and six-column files without diagnostics).
     *
     * @throws IllegalArgumentException naming the bad line
     */
    public static History parseCsv(String text, String source) {
        History h = new History();
        String[] lines = text.split("\\R");
        int columns = lines.length == 0 ? 0 : lines[0].split(",", -1).length;
        // six basic columns, the diagnostics' fixed ones, then one per head
        int fixed = BASIC_COLUMNS + Diagnostics.columns(0).size();
        int heads = columns > BASIC_COLUMNS ? columns - fixed : -1;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            try {
                if (f.length != 5 && f.length != 6 && !(heads >= 0 && f.length == columns)) {
                    throw new IllegalArgumentException(f.length + " fields");
                }
                Diagnostics d = null;
                if (heads >= 0) {
                    double[] sel = new double[heads];
                    for (int t = 0; t < heads; t++) {
                        sel[t] = number(f[fixed + t]);
                    }
                    d =
                            new Diagnostics(
                                    number(f[6]),
                                    number(f[7]),
                                    number(f[8]),
                                    number(f[9]),
                                    number(f[10]),
                                    sel);
                }
                h.add(
                        new Epoch(
                                Integer.parseInt(f[0]),
                                Double.parseDouble(f[1]),
                                Double.parseDouble(f[2]),
                                Double.parseDouble(f[3]),
                                Double.parseDouble(f[4]),
                                f.length >= 6 ? number(f[5]) : Double.NaN,
                                d));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        source + ":" + (i + 1) + ": not an epoch line: " + lines[i], e);
            }
        }
        return h;
    }

    private static double number(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }
}
