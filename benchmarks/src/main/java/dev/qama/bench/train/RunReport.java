package dev.qama.bench.train;

import dev.qama.bench.Stats;
import dev.qama.core.io.IoErrors;
import dev.qama.core.remote.JsonValue;
import dev.qama.core.remote.WireFormatException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Summaries over seeds of finished {@code qama train} runs: runs with the same configuration (task,
 * data set, attention, formulation, output mode, solver, epochs, batch size, learning rate, split
 * sizes) form a group, and each group reports the mean ± sample standard deviation of its
 * final-epoch held-out accuracy, of the held-out accuracy at the {@code --eval-every} checkpoints,
 * and of its training time.
 */
public final class RunReport {
    /**
     * One finished run.
     *
     * @param source where it was read from (a run directory or a result file)
     * @param result the fields of its result object
     * @param history its per-epoch history, or null when only the result object was given
     */
    public record Run(Path source, Map<String, Object> result, History history) {
        /** The group label: see {@link RunReport#label(Map)}. */
        public String label() {
            return RunReport.label(result);
        }

        /**
         * The final-epoch held-out accuracy, a fraction: {@code test_accuracy}, or for a run with
         * {@code --validation} its {@code validation_accuracy}.
         */
        public double testAccuracy() {
            return number(validation() ? "validation_accuracy" : "test_accuracy");
        }

        /** Whether the run was held out on a validation share of the training split. */
        public boolean validation() {
            return "validation".equals(result.get("held_out"));
        }

        String text(String key) {
            Object v = result.get(key);
            return v == null ? "?" : v.toString();
        }

        /** The value of {@code key} as a count, 0 when absent. */
        private long sum(String key) {
            Object v = result.get(key);
            return v instanceof Number n ? n.longValue() : 0;
        }

        double number(String key) {
            Object v = result.get(key);
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }

        /** The configuration shared by the runs of a group (everything but the seed). */
        List<Object> key() {
            List<Object> k = new ArrayList<>();
            k.add(label());
            for (String f :
                    List.of(
                            "task",
                            "dataset",
                            "planned_epochs",
                            "batch_size",
                            "lr",
                            "max_train",
                            "max_test")) {
                k.add(number(f)); // NaN when absent (older files), equal to itself in a key
            }
            // the examples used in all (not the split sizes, which vary with the seed where a
            // data set is split by groups, e.g. sotu-party by address)
            k.add(sum("train_size") + sum("test_size") + sum("validation_size"));
            k.add(validation()); // results written before held_out existed are test runs
            return k;
        }
    }

    /**
     * The runs of one configuration.
     *
     * @param label attention (and QAMA's formulation, output mode, solver)
     * @param runs its runs, by seed
     */
    public record Group(String label, List<Run> runs) {
        /**
         * What runs must share to be compared seed by seed with this group's: the configuration
         * without the attention label (data set, epochs, batch size, learning rate, the caps asked
         * for and the number of examples used, held-out kind).
         */
        List<Object> setting() {
            List<Object> k = runs.get(0).key();
            return k.subList(1, k.size());
        }

        /** The run of {@code seed}, or null. */
        Run run(long seed) {
            for (Run r : runs) {
                if ((long) r.number("seed") == seed) {
                    return r;
                }
            }
            return null;
        }

        /**
         * The data set of the group's runs, followed by " (validation)" when they were measured on
         * a validation share of the training split ({@code --validation}).
         */
        public String dataset() {
            return runs.get(0).text("dataset") + (runs.get(0).validation() ? " (validation)" : "");
        }

        /** What the group's accuracy was measured on: "test" or "validation". */
        public String heldOut() {
            return runs.get(0).validation() ? "validation" : "test";
        }

        /** The number of epochs of each run. */
        public int epochs() {
            return (int) runs.get(0).number("planned_epochs");
        }

        /** The seeds, in increasing order. */
        public List<Long> seeds() {
            return runs.stream().map(r -> (long) r.number("seed")).toList();
        }

        /** Final-epoch held-out accuracies, in percent, in run order. */
        public double[] testPercent() {
            return runs.stream().mapToDouble(r -> 100 * r.testAccuracy()).toArray();
        }

        /** Training seconds, in run order. */
        public double[] trainSeconds() {
            return runs.stream().mapToDouble(r -> r.number("train_seconds")).toArray();
        }

        /** Solver seconds, in run order. */
        public double[] solverSeconds() {
            return runs.stream().mapToDouble(r -> r.number("solver_seconds")).toArray();
        }

        /**
         * Held-out accuracy (percent) per run at each epoch where every run of the group was
         * evaluated; empty when some run has no history.
         */
        public Map<Integer, double[]> checkpoints() {
            Map<Integer, double[]> out = new LinkedHashMap<>();
            if (runs.stream().anyMatch(r -> r.history() == null)) {
                return out;
            }
            TreeSet<Integer> common = null;
            for (Run r : runs) {
                TreeSet<Integer> e = new TreeSet<>();
                for (History.Epoch x : r.history().epochs()) {
                    if (x.evaluated()) {
                        e.add(x.epoch());
                    }
                }
                if (common == null) {
                    common = e;
                } else {
                    common.retainAll(e);
                }
            }
            for (int epoch : common) {
                double[] v = new double[runs.size()];
                for (int i = 0; i < v.length; i++) {
                    for (History.Epoch x : runs.get(i).history().epochs()) {
                        if (x.epoch() == epoch) {
                            v[i] = 100 * x.testAccuracy();
                        }
                    }
                }
                out.put(epoch, v);
            }
            return out;
        }

        /**
         * The epoch-by-epoch mean of the runs' histories over the epochs all of them have; the
         * held-out accuracy is averaged where every run was evaluated. Null when some run has no
         * history.
         */
        public History meanHistory() {
            if (runs.stream().anyMatch(r -> r.history() == null)) {
                return null;
            }
            int n = runs.stream().mapToInt(r -> r.history().epochs().size()).min().orElse(0);
            History h = new History();
            for (int i = 0; i < n; i++) {
                double loss = 0;
                double acc = 0;
                double sec = 0;
                double sol = 0;
                double test = 0;
                for (Run r : runs) {
                    History.Epoch e = r.history().epochs().get(i);
                    loss += e.loss();
                    acc += e.trainAccuracy();
                    sec += e.seconds();
                    sol += e.solverSeconds();
                    test += e.testAccuracy();
                }
                int k = runs.size();
                h.add(
                        new History.Epoch(
                                runs.get(0).history().epochs().get(i).epoch(),
                                loss / k,
                                acc / k,
                                sec / k,
                                sol / k,
                                test / k));
            }
            return h;
        }
    }

    /**
     * A formulation's short name in labels: its CLI name without the {@code paper-} prefix ({@code
     * v1}, {@code v2}); a name that is none of {@link
     * dev.qama.djl.QamaAttentionBlock.Formulation}'s is kept as it is.
     */
    public static String formulationLabel(String name) {
        try {
            return dev.qama.djl.QamaAttentionBlock.Formulation.parse(name)
                    .cliName()
                    .replaceFirst("^paper-", "");
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    /**
     * How a run is named in tables and legends: its attention, and for QAMA the formulation (v1,
     * v2), output mode and solver with the options given to it, e.g. {@code qama v2 selected-keys
     * (sb)} or {@code qama v1 paper (sa:polish=false,sweeps=0)} (options in their sorted order),
     * then a coupling form other than auto, the QUBO settings given on the command line ({@code
     * q=2}, {@code penalty×0.4}) and the mixing settings given there ({@code β=1}, {@code γ=1},
     * {@code warm-up 0} when not the default, {@code reads=8 averaged}), so that runs that differ
     * in them form separate groups.
     *
     * @param result the fields of a {@code qama train} result object
     */
    public static String label(Map<String, Object> result) {
        Object a = result.get("attention");
        if (!"qama".equals(a)) {
            return String.valueOf(a);
        }
        Object f = result.get("formulation");
        return "qama "
                + formulationLabel(String.valueOf(f))
                + " "
                + result.get("output_mode")
                + " ("
                + result.get("solver")
                + options(result.get("solver_options"))
                + ")"
                + (result.get("coupling") instanceof String c && !c.equals("auto")
                        ? " " + c + " couplings"
                        : "")
                + (result.get("bits") instanceof Number q ? " q=" + q.intValue() : "")
                + given(result, "coupling_scale", "coupling×")
                + given(result, "linear_scale", "linear×")
                + given(result, "penalty_scale", "penalty×")
                + unlessDefault(
                        unselectedPenalty(result),
                        dev.qama.djl.QamaAttentionBlock.DEFAULT_UNSELECTED_PENALTY,
                        "β=")
                + unlessDefault(
                        result.get("energy_scale") instanceof Number g ? g.doubleValue() : null,
                        dev.qama.djl.QamaAttentionBlock.DEFAULT_ENERGY_SCALE,
                        "γ=")
                + (result.get("selection_warmup") instanceof Number w
                                && w.longValue()
                                        != dev.qama.djl.QamaAttentionBlock.DEFAULT_SELECTION_WARMUP
                        ? " warm-up " + w.longValue()
                        : "")
                + (result.get("reads") instanceof Number r ? " reads=" + r.intValue() : "")
                + (Boolean.TRUE.equals(result.get("average_reads")) ? " averaged" : "")
                + (Boolean.TRUE.equals(result.get("warm_starts")) ? " warm-starts" : "")
                + (Boolean.TRUE.equals(result.get("selection_gradient"))
                        ? " selection-gradient"
                        : "");
    }

    /**
     * The unselected-key penalty β a run's {@code result.json} trained with. Files written since β
     * = 1 became the default record the value in effect; older ones recorded it only when it was
     * given on the command line, and those that record a selection warm-up (all runs since the
     * warm-up existed) then used the default of that time, {@value #LEGACY_UNSELECTED_PENALTY}.
     * Null when the file says nothing about it (not a QAMA run, or older still).
     */
    public static Double unselectedPenalty(Map<String, Object> result) {
        if (result.get("unselected_penalty") instanceof Number b) {
            return b.doubleValue();
        }
        return result.get("selection_warmup") instanceof Number ? LEGACY_UNSELECTED_PENALTY : null;
    }

    /** The default β before β = 1 (over 300 passes) became the default. */
    public static final double LEGACY_UNSELECTED_PENALTY = 0.5;

    /** " β=0.5": {@code prefix} and the value, "" when it is null or the default. */
    private static String unlessDefault(Double value, double byDefault, String prefix) {
        return value == null || value == byDefault
                ? ""
                : " " + prefix + BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * " penalty×0.4" or " β=0.5": {@code prefix} and the value of a setting given on the command
     * line, "" for the default (null).
     */
    private static String given(Map<String, Object> result, String key, String prefix) {
        return result.get(key) instanceof Number n
                ? " "
                        + prefix
                        + BigDecimal.valueOf(n.doubleValue()).stripTrailingZeros().toPlainString()
                : "";
    }

    /**
     * ":k=v,..." of a run's solver options without {@code threads}, which by this library's
     * contract does not change results (so runs that differ only in it form one group); "" when
     * nothing is left.
     */
    private static String options(Object text) {
        if (!(text instanceof String s) || s.isEmpty()) {
            return "";
        }
        String kept =
                String.join(
                        ",",
                        java.util.Arrays.stream(s.split(","))
                                .filter(kv -> !kv.startsWith("threads="))
                                .toList());
        return kept.isEmpty() ? "" : ":" + kept;
    }

    private final List<Group> groups;
    private final List<String> warnings;

    private RunReport(List<Group> groups, List<String> warnings) {
        this.groups = groups;
        this.warnings = warnings;
    }

    /** The groups, in the order their first run was given. */
    public List<Group> groups() {
        return groups;
    }

    /** Runs left out (interrupted) and other remarks, one line each. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Reads runs and groups them. Each path is a run directory (with {@code result.json} and,
     * usually, {@code history.csv}) or a result file ({@code qama train --json} output).
     * Interrupted runs are left out with a warning: they did not train for their planned epochs.
     *
     * @throws IllegalArgumentException naming the path that is missing or malformed, or when no
     *     finished run remains
     * @throws IOException if a file cannot be read
     */
    public static RunReport read(List<Path> paths) throws IOException {
        Map<List<Object>, List<Run>> byKey = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (Path p : paths) {
            Run r = readRun(p);
            if (Boolean.TRUE.equals(r.result().get("interrupted"))) {
                warnings.add(p + ": left out, interrupted (not a finished run)");
                continue;
            }
            List<Run> g = byKey.computeIfAbsent(r.key(), k -> new ArrayList<>());
            for (Run o : g) {
                if (Objects.equals(o.result().get("seed"), r.result().get("seed"))) {
                    warnings.add(
                            p
                                    + ": same configuration and seed as "
                                    + o.source()
                                    + " (counted twice)");
                }
            }
            g.add(r);
        }
        if (byKey.isEmpty()) {
            throw new IllegalArgumentException(
                    "no finished run among " + paths + ": " + String.join("; ", warnings));
        }
        List<Group> groups = new ArrayList<>();
        for (List<Run> v : byKey.values()) {
            List<Run> bySeed = new ArrayList<>(v);
            bySeed.sort(java.util.Comparator.comparingDouble(r -> r.number("seed")));
            groups.add(new Group(v.get(0).label(), List.copyOf(bySeed)));
        }
        return new RunReport(List.copyOf(groups), List.copyOf(warnings));
    }

    private static Run readRun(Path p) throws IOException {
        Path json = Files.isDirectory(p) ? p.resolve("result.json") : p;
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException(
                    Files.isDirectory(p)
                            ? p + ": no result.json (not a finished qama train run directory)"
                            : p + ": no such file or directory");
        }
        Map<String, Object> result = readResult(json);
        for (String f : List.of("attention", "dataset", "test_accuracy", "seed")) {
            if (!result.containsKey(f)) {
                throw new IllegalArgumentException(
                        json + ": no \"" + f + "\" field (not a qama train result)");
            }
        }
        History h = null;
        Path csv = Files.isDirectory(p) ? p.resolve("history.csv") : null;
        if (csv != null && Files.isRegularFile(csv)) {
            h = History.parseCsv(IoErrors.readText(csv), csv.toString());
        }
        return new Run(p, result, h);
    }

    /**
     * The fields of a result file ({@code result.json} or {@code qama train --json} output).
     *
     * @throws IllegalArgumentException "FILE: malformed JSON ..." when it is not a JSON object
     * @throws IOException if it cannot be read
     */
    public static Map<String, Object> readResult(Path json) throws IOException {
        try {
            return JsonValue.parseObject(IoErrors.readText(json).strip());
        } catch (WireFormatException e) {
            throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
        }
    }

    /**
     * A group's name, unique within this report: its label, then its data set when the report spans
     * several, then its epochs when another group has the same label and data set, then its
     * position when groups still share a name (they differ in batch size, learning rate or split).
     */
    public String name(Group g) {
        String n = baseName(g);
        for (Group o : groups) {
            if (o != g && baseName(o).equals(n)) {
                return n + " #" + (groups.indexOf(g) + 1);
            }
        }
        return n;
    }

    private String baseName(Group g) {
        boolean datasets = groups.stream().map(Group::dataset).distinct().count() > 1;
        String n = g.label() + (datasets ? ", " + g.dataset() : "");
        for (Group o : groups) {
            if (o != g
                    && o.label().equals(g.label())
                    && o.dataset().equals(g.dataset())
                    && o.epochs() != g.epochs()) {
                return n + ", " + g.epochs() + " epochs";
            }
        }
        return n;
    }

    /** "mean ± sd" of values with two decimals ("x" alone for one value). */
    public static String meanSd(double[] v) {
        return v.length == 1
                ? String.format(Locale.ROOT, "%.2f", v[0])
                : String.format(Locale.ROOT, "%.2f ± %.2f", Stats.mean(v), Stats.sd(v));
    }

    /**
     * One group measured seed by seed against classical attention: the seeds both have, the mean
     * paired difference of the final held-out accuracy (percentage points) with its standard error,
     * the most negative mean paired difference over the checkpoints both evaluated (and its epoch),
     * and the median over those seeds of the ratio of training times.
     *
     * @param seeds the seeds both groups ran
     * @param diff mean of (group − classical) final accuracy, points
     * @param diffSe its standard error (sd / √n; 0 for one seed)
     * @param worst the most negative mean paired checkpoint difference, points (the final one when
     *     there are no common checkpoints)
     * @param worstEpoch its epoch
     * @param timeRatio median of train_seconds / classical train_seconds
     */
    public record Pairing(
            List<Long> seeds,
            double diff,
            double diffSe,
            double worst,
            int worstEpoch,
            double timeRatio) {}

    /**
     * {@code g} against the classical group of the same setting (data set, epochs, batch size,
     * learning rate, splits), over the seeds both have; null when {@code g} is classical, there is
     * no such group or no common seed.
     */
    public Pairing pairing(Group g) {
        if ("classical".equals(g.label())) {
            return null;
        }
        Group base = null;
        for (Group o : groups) {
            if ("classical".equals(o.label()) && o.setting().equals(g.setting())) {
                base = o;
            }
        }
        if (base == null) {
            return null;
        }
        List<Long> seeds = new ArrayList<>();
        for (long s : g.seeds()) {
            if (base.run(s) != null) {
                seeds.add(s);
            }
        }
        if (seeds.isEmpty()) {
            return null;
        }
        int n = seeds.size();
        double[] d = new double[n];
        double[] ratio = new double[n];
        for (int i = 0; i < n; i++) {
            Run a = g.run(seeds.get(i));
            Run c = base.run(seeds.get(i));
            d[i] = 100 * (a.testAccuracy() - c.testAccuracy());
            ratio[i] = a.number("train_seconds") / c.number("train_seconds");
        }
        double worst = Stats.mean(d);
        int worstEpoch = g.epochs();
        Group mine = new Group(g.label(), seeds.stream().map(g::run).toList());
        final Group cl = base;
        Group theirs = new Group(base.label(), seeds.stream().map(cl::run).toList());
        Map<Integer, double[]> ca = mine.checkpoints();
        Map<Integer, double[]> cc = theirs.checkpoints();
        for (Map.Entry<Integer, double[]> e : ca.entrySet()) {
            double[] o = cc.get(e.getKey());
            if (o == null) {
                continue;
            }
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = e.getValue()[i] - o[i];
            }
            double m = Stats.mean(x);
            if (m < worst) {
                worst = m;
                worstEpoch = e.getKey();
            }
        }
        return new Pairing(
                List.copyOf(seeds),
                Stats.mean(d),
                Stats.sd(d) / Math.sqrt(n),
                worst,
                worstEpoch,
                Stats.median(ratio));
    }

    /**
     * Markdown: the groups that have a classical group of the same setting, paired seed by seed
     * with it ({@link #pairing}); "" when none has.
     */
    String paired() {
        StringBuilder b = new StringBuilder();
        for (Group g : groups) {
            Pairing p = pairing(g);
            if (p == null) {
                continue;
            }
            if (b.length() == 0) {
                b.append(
                        "\nPaired with classical attention, seed by seed (points; ± standard"
                                + " error):\n\n"
                                + "| data set | attention | seeds | − classical, final | worst"
                                + " checkpoint (epoch) | train time × classical (median) |\n"
                                + "|---|---|---|---:|---:|---:|\n");
            }
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %+.2f ± %.2f | %+.2f (%d) | %.2f× |%n",
                            g.dataset(),
                            g.label(),
                            p.seeds().toString().replace("[", "").replace("]", ""),
                            p.diff(),
                            p.diffSe(),
                            p.worst(),
                            p.worstEpoch(),
                            p.timeRatio()));
        }
        return b.toString();
    }

    /**
     * Markdown: one table row per group (final-epoch accuracy, per-seed values, training time,
     * solver share), then the groups paired seed by seed with classical attention ({@link
     * #pairing}), then, when the runs measured held-out accuracy along the way, a table of the
     * checkpoints with one column per group.
     */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append(
                "| data set | attention | epochs | seeds | held-out accuracy % (mean ± sd) | per seed"
                        + " | train accuracy % (mean) | train s (mean) | solver share |\n");
        b.append("|---|---|---:|---|---:|---|---:|---:|---:|\n");
        for (Group g : groups) {
            double[] t = g.testPercent();
            StringBuilder per = new StringBuilder();
            for (double x : t) {
                per.append(per.length() == 0 ? "" : " / ")
                        .append(String.format(Locale.ROOT, "%.2f", x));
            }
            double train = Stats.mean(g.trainSeconds());
            double solver = Stats.mean(g.solverSeconds());
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %s | %s | %s | %.2f | %.0f | %s |%n",
                            g.dataset(),
                            g.label(),
                            g.epochs(),
                            g.seeds().toString().replace("[", "").replace("]", ""),
                            meanSd(t),
                            per,
                            100
                                    * Stats.mean(
                                            g.runs().stream()
                                                    .mapToDouble(r -> r.number("train_accuracy"))
                                                    .toArray()),
                            train,
                            solver > 0
                                    ? String.format(Locale.ROOT, "%.0f %%", 100 * solver / train)
                                    : "–"));
        }
        b.append(paired());
        Map<String, List<Group>> byDataset = new LinkedHashMap<>();
        Map<Group, Map<Integer, double[]>> checkpoints = new java.util.IdentityHashMap<>();
        for (Group g : groups) {
            Map<Integer, double[]> c = g.checkpoints();
            if (c.size() > 1) {
                byDataset.computeIfAbsent(g.dataset(), k -> new ArrayList<>()).add(g);
                checkpoints.put(g, c);
            }
        }
        for (Map.Entry<String, List<Group>> d : byDataset.entrySet()) {
            List<Group> gs = d.getValue();
            List<Map<Integer, double[]>> cps = gs.stream().map(checkpoints::get).toList();
            TreeSet<Integer> epochs = new TreeSet<>();
            cps.forEach(c -> epochs.addAll(c.keySet()));
            b.append("\n")
                    .append(d.getKey())
                    .append(": held-out accuracy % at the checkpoints (mean ± sd over the seeds)")
                    .append("\n\n| epoch |");
            for (Group g : gs) {
                boolean unique = gs.stream().filter(o -> o.label().equals(g.label())).count() == 1;
                b.append(' ').append(unique ? g.label() : name(g)).append(" |");
            }
            b.append("\n|---:|");
            b.append("---:|".repeat(gs.size()));
            b.append('\n');
            for (int e : epochs) {
                b.append("| ").append(e).append(" |");
                for (Map<Integer, double[]> c : cps) {
                    double[] v = c.get(e);
                    b.append(' ').append(v == null ? "–" : meanSd(v)).append(" |");
                }
                b.append('\n');
            }
        }
        return b.toString();
    }
}
