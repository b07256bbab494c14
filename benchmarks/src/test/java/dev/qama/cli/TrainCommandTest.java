package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qama train} end to end on small subsets (seeded, a few seconds each). */
class TrainCommandTest {
    static final List<String> FIELDS =
            List.of(
                    "task",
                    "dataset",
                    "attention",
                    "epochs",
                    "seed",
                    "train_accuracy",
                    "test_accuracy",
                    "train_seconds",
                    "solver_seconds");

    @TempDir Path tmp;

    static CliRun digits(Path out, String... extra) {
        return digits(out, 5L, extra);
    }

    static CliRun digits(Path out, long seed, String... extra) {
        return digits(out, seed, 120, extra);
    }

    static CliRun digits(Path out, long seed, int maxTest, String... extra) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "train",
                                "--epochs",
                                "2",
                                "--seed",
                                Long.toString(seed),
                                "--max-train",
                                "480",
                                "--max-test",
                                Integer.toString(maxTest),
                                "--batch-size",
                                "32",
                                "--lr",
                                "5e-3",
                                "--json",
                                "--out",
                                out.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(new String[0]));
    }

    static Map<String, Object> json(CliRun r) {
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals(1, lines.length, "stdout must be exactly one JSON line: " + r.out());
        return MiniJson.object(lines[0]);
    }

    static void assertRun(Map<String, Object> j, String attention) {
        for (String f : FIELDS) {
            assertTrue(j.containsKey(f), "missing " + f + " in " + j);
        }
        assertEquals("image", j.get("task"));
        assertEquals("digits", j.get("dataset"));
        assertEquals(attention, j.get("attention"));
        assertEquals(2.0, ((Number) j.get("epochs")).doubleValue());

        assertEquals(480.0, ((Number) j.get("train_size")).doubleValue(), 0.0);
        assertEquals(120.0, ((Number) j.get("test_size")).doubleValue(), 0.0);
        double test = ((Number) j.get("test_accuracy")).doubleValue();
        double train = ((Number) j.get("train_accuracy")).doubleValue();
        // ten balanced classes: chance is 0.10
        assertTrue(test > 0.2, "test accuracy " + test + " is not above chance");
        assertTrue(train > 0.15 && train <= 1, "train accuracy " + train);
        assertTrue(((Number) j.get("train_seconds")).doubleValue() > 0);
    }

    /** The numbers of a run without the wall-clock fields. */
    static Map<String, Object> numbers(Map<String, Object> j) {
        Map<String, Object> m = new java.util.TreeMap<>(j);
        m.keySet().removeIf(k -> k.endsWith("seconds"));
        return m;
    }

    @Test
    void classicalDigitsIsReproducibleAndAboveChance() throws IOException {
        Map<String, Object> a = json(digits(tmp.resolve("a")));
        assertRun(a, "classical");
        assertEquals(5.0, ((Number) a.get("seed")).doubleValue());
        assertEquals(0.0, ((Number) a.get("solver_seconds")).doubleValue());
        Map<String, Object> b = json(digits(tmp.resolve("b")));
        assertEquals(numbers(a), numbers(b));
        assertTrue(Files.size(tmp.resolve("a/curves.png")) > 2000);
        assertTrue(Files.readString(tmp.resolve("a/result.json")).contains("\"test_accuracy\""));
        assertEquals(3, Files.readAllLines(tmp.resolve("a/history.csv")).size());
        Map<String, Object> other = json(digits(tmp.resolve("c"), 6L));
        assertTrue(!numbers(a).equals(numbers(other)), "another seed gave the same numbers");
    }

    /** --warm-starts reaches the blocks (the run changes) and stays reproducible. */
    @Test
    void warmStartsChangeTheSecondEpochAndAreReproducible() {
        String[] cold = {"--attention", "qama", "-s", "sb:warm-ramp=0.2", "--no-plots"};
        String[] warm = {
            "--attention", "qama", "-s", "sb:warm-ramp=0.2", "--no-plots", "--warm-starts", "on"
        };
        Map<String, Object> c = json(digits(tmp.resolve("c"), cold));
        Map<String, Object> a = json(digits(tmp.resolve("w1"), warm));
        Map<String, Object> b = json(digits(tmp.resolve("w2"), warm));
        assertEquals(null, c.get("warm_starts"));
        assertEquals(Boolean.TRUE, a.get("warm_starts"));
        assertEquals("warm-ramp=0.2", a.get("solver_options"));
        assertEquals(numbers(a), numbers(b));
        // the first epoch has nothing to start from; the second starts every solve warm, with a
        // fifth of the ramp
        assertTrue(
                !c.get("train_loss").equals(a.get("train_loss")),
                "warm starts left the run unchanged: " + a.get("train_loss"));
    }

    @Test
    void qamaDigitsIsReproducibleAndPlotsSelections() throws IOException {
        String[] q = {"--attention", "qama", "--solver", "test-greedy:sweeps=50"};
        Map<String, Object> a = json(digits(tmp.resolve("q1"), q));
        assertRun(a, "qama");
        assertEquals("paper-v2", a.get("formulation"));
        assertEquals("selected-keys", a.get("output_mode"), "the default output mode");
        assertEquals("test-greedy", a.get("solver"));
        assertEquals("sweeps=50", a.get("solver_options"));
        assertEquals("auto", a.get("coupling"));
        assertEquals(null, a.get("penalty_scale"), "default coefficients are written as null");
        assertEquals(null, a.get("bits"), "the default bits are written as null");
        assertEquals(
                (double) dev.qama.djl.QamaAttentionBlock.DEFAULT_SELECTION_WARMUP,
                ((Number) a.get("selection_warmup")).doubleValue(),
                "the warm-up in effect is written, for qama infer");
        assertEquals(
                dev.qama.djl.QamaAttentionBlock.DEFAULT_UNSELECTED_PENALTY,
                ((Number) a.get("unselected_penalty")).doubleValue(),
                "β in effect is written, for qama infer");
        assertEquals(
                dev.qama.djl.QamaAttentionBlock.DEFAULT_ENERGY_SCALE,
                ((Number) a.get("energy_scale")).doubleValue(),
                "γ in effect is written, for qama infer");
        assertTrue(((Number) a.get("solver_seconds")).doubleValue() > 0);
        Map<String, Object> b = json(digits(tmp.resolve("q2"), q));
        assertEquals(numbers(a), numbers(b));
        assertTrue(Files.size(tmp.resolve("q1/selections.png")) > 2000);
        assertTrue(Files.size(tmp.resolve("q1/curves.png")) > 2000);

        Path png = tmp.resolve("compare.png");
        CliRun plot =
                CliRun.of(
                        "train",
                        "plot",
                        tmp.resolve("q1").toString(),
                        tmp.resolve("q2").toString(),
                        "--out",
                        png.toString());
        assertEquals(0, plot.exitCode(), plot.err());
        assertTrue(Files.size(png) > 2000);
    }

    @Test
    void theDefaultEvaluationGivesAboutTenPointsPerCurve() {
        assertEquals(1, TrainCommand.defaultEvalEvery(5));
        assertEquals(2, TrainCommand.defaultEvalEvery(20));
        assertEquals(10, TrainCommand.defaultEvalEvery(100));
    }

    @Test
    void evalEveryRecordsTheTestCurveWithoutChangingTraining() throws IOException {
        String[] off = {
            "--attention", "qama", "--solver", "test-greedy:sweeps=50", "--eval-every", "0"
        };
        Map<String, Object> plain = json(digits(tmp.resolve("p"), off));
        // the default evaluates about ten times per run: every epoch of a 2-epoch run
        String[] withEval = {"--attention", "qama", "--solver", "test-greedy:sweeps=50"};
        Map<String, Object> curve = json(digits(tmp.resolve("e"), withEval));
        assertEquals(numbers(plain), numbers(curve), "evaluating along the way changed training");
        dev.qama.bench.train.History h =
                dev.qama.bench.train.History.parseCsv(
                        Files.readString(tmp.resolve("e/history.csv")), "history.csv");
        assertEquals(2, h.epochs().size());
        assertTrue(h.epochs().get(0).evaluated(), "epoch 1 evaluated");
        // the diagnostics columns: gradient norms, energy, overlap, selected share of 8 heads
        dev.qama.bench.train.History.Diagnostics d = h.epochs().get(1).diagnostics();
        assertTrue(d.gradQuery() > 0 && d.gradKey() > 0 && d.gradValue() > 0, d.toString());
        assertTrue(d.meanEnergy() < 0, "a minimised energy is below that of x = 0: " + d);
        assertTrue(d.headOverlap() >= 0 && d.headOverlap() <= 1, d.toString());
        assertEquals(8, d.selectedPerHead().length);
        assertTrue(d.meanSelected() > 0 && d.meanSelected() <= 1, d.toString());
        double end = h.epochs().get(1).testAccuracy();
        assertEquals(((Number) curve.get("test_accuracy")).doubleValue(), end, 1e-12);
        // with --eval-every 0 only the last epoch is evaluated
        dev.qama.bench.train.History p =
                dev.qama.bench.train.History.parseCsv(
                        Files.readString(tmp.resolve("p/history.csv")), "history.csv");
        assertTrue(!p.epochs().get(0).evaluated());
        assertEquals(
                Files.readString(tmp.resolve("p/history.csv")),
                p.toCsv(),
                "history.csv parses back to itself");
        assertEquals(end, p.epochs().get(1).testAccuracy(), 1e-12);
        CliRun bad = digits(tmp.resolve("x"), "--eval-every", "-1");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--eval-every must be 0 (off)"), bad.err());
    }

    @Test
    void qamaValuesModeTrains() {
        String[] values = {
            "--attention",
            "qama",
            "--output-mode",
            "values",
            "--solver",
            "test-greedy:sweeps=50",
            "--no-plots"
        };
        Map<String, Object> a = json(digits(tmp.resolve("v"), values));
        assertRun(a, "qama");
        assertEquals("values", a.get("output_mode"));
        // the QUBO coefficients reach the block: other coefficients, another training path
        Map<String, Object> c =
                json(
                        digits(
                                tmp.resolve("c"),
                                concat(values, "--linear-scale", "0.5", "--penalty-scale", "0")));
        assertEquals(0.5, ((Number) c.get("linear_scale")).doubleValue());
        assertEquals(0.0, ((Number) c.get("penalty_scale")).doubleValue());
        assertEquals(null, c.get("coupling_scale"));
        assertTrue(!a.get("train_loss").equals(c.get("train_loss")), a + " vs " + c);
        String md = report(tmp.resolve("v"), tmp.resolve("c"));
        assertTrue(
                md.contains("| qama v2 values (test-greedy:sweeps=50) linear×0.5 penalty×0 |"), md);
        // two bits per token: weights 0, 1/3, 2/3, 1, another training path
        Map<String, Object> q = json(digits(tmp.resolve("q"), concat(values, "--bits", "2")));
        assertEquals(2, ((Number) q.get("bits")).intValue());
        assertTrue(!a.get("train_loss").equals(q.get("train_loss")), a + " vs " + q);
        assertTrue(
                report(tmp.resolve("q"))
                        .contains("| qama v2 values (test-greedy:sweeps=50) q=2 |"));
    }

    @Test
    void noAttentionAblationRuns() {
        Map<String, Object> a = json(digits(tmp.resolve("n"), "--attention", "none", "--no-plots"));
        assertEquals("none", a.get("attention"));
        assertEquals(0.0, ((Number) a.get("solver_seconds")).doubleValue());
        assertTrue(((Number) a.get("test_accuracy")).doubleValue() > 0.2, a.toString());
    }

    @Test
    void missingFashionMnistSaysWhichPackageToInstall() {
        CliRun r =
                CliRun.of(
                        "train",
                        "--dataset",
                        "fashion-mnist",
                        "--data-dir",
                        tmp.resolve("none").toString());
        assertEquals(2, r.exitCode());
        String[] lines = r.errLines();
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("qama: fashion-mnist:"), lines[0]);
        assertTrue(lines[0].contains("apt-get install dataset-fashion-mnist"), lines[0]);
        assertEquals("", r.out());
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        CliRun r = CliRun.of("train", "--attention", "quantum");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--attention must be classical or qama"), r.err());
        r = CliRun.of("train", "--epochs", "0", "--out", tmp.resolve("z").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--epochs must be at least 1, got 0"), r.err());
        r = CliRun.of("train", "--attention", "qama", "--coupling", "sparse");
        assertEquals(2, r.exitCode());
        assertTrue(
                r.err()
                        .contains(
                                "--coupling: coupling form 'sparse' is not one of auto, dense,"
                                        + " low-rank"),
                r.err());
        r = CliRun.of("train", "--attention", "qama", "--penalty-scale", "-1");
        assertEquals(2, r.exitCode());
        assertTrue(
                r.err().contains("--penalty-scale must be a finite number ≥ 0, got -1.0"), r.err());
        assertEquals(1, r.errLines().length, r.err());
        r = CliRun.of("train", "--attention", "qama", "--bits", "17");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--bits must be between 1 and 16, got 17"), r.err());
        r = CliRun.of("train", "--validation", "1.5", "--out", tmp.resolve("v").toString());
        assertEquals(2, r.exitCode());
        assertTrue(
                r.err()
                        .contains(
                                "--validation must be a fraction between 0 and 1 (exclusive), got"
                                        + " 1.5"),
                r.err());
        assertEquals(1, r.errLines().length, r.err());
        r = CliRun.of("train", "--dataset", "idx", "--train-images", "x");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("give all of --train-images"), r.err());
    }

    @Test
    void validationHoldsOutPartOfTheTrainingSplitAndNeverTouchesTheTestSplit() throws IOException {
        String[] q = {"--attention", "qama", "--solver", "test-greedy:sweeps=50"};
        Map<String, Object> v = json(digits(tmp.resolve("v1"), concat(q, "--validation", "0.25")));
        assertEquals("validation", v.get("held_out"));
        assertEquals(null, v.get("test_accuracy"));
        assertEquals(null, v.get("test_size"));
        // 480 stratified training examples, 48 per class: 12 of each class are held out
        assertEquals(360.0, ((Number) v.get("train_size")).doubleValue(), 0.0);
        assertEquals(120.0, ((Number) v.get("validation_size")).doubleValue(), 0.0);
        double acc = ((Number) v.get("validation_accuracy")).doubleValue();
        assertTrue(acc > 0.2, "validation accuracy " + acc + " is not above chance");
        assertTrue(Files.size(tmp.resolve("v1/selections.png")) > 2000);
        // the test split plays no part: a different --max-test gives the same numbers
        Map<String, Object> w =
                json(digits(tmp.resolve("v3"), 5L, 30, concat(q, "--validation", "0.25")));
        assertEquals(numbers(v), numbers(w));
        // a plain run reports the test split as before
        Map<String, Object> t = json(digits(tmp.resolve("t"), q));
        assertEquals("test", t.get("held_out"));
        assertTrue(!t.containsKey("validation_accuracy"), t.toString());

        String md = report(tmp.resolve("v1"), tmp.resolve("t"));
        String fmt = "| %s | qama v2 selected-keys (test-greedy:sweeps=50) | 2 | 5 | %.2f |";
        String val = String.format(java.util.Locale.ROOT, fmt, "digits (validation)", 100 * acc);
        assertTrue(md.contains(val), md);
        double test = ((Number) t.get("test_accuracy")).doubleValue();
        assertTrue(
                md.contains(String.format(java.util.Locale.ROOT, fmt, "digits", 100 * test)), md);
    }

    /** The markdown of {@code qama train report} over the run directories. */
    static String report(Path... runs) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "report"));
        for (Path r : runs) {
            args.add(r.toString());
        }
        CliRun report = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, report.exitCode(), report.err());
        return report.out();
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void textCsvTrainsWithBothAttentions() throws IOException {
        StringBuilder train = new StringBuilder("label,text\n");
        StringBuilder test = new StringBuilder();
        String[] pos = {"good great fine", "great \"happy\" day", "fine, good and nice"};
        String[] neg = {"bad awful poor", "awful sad day", "poor, bad and ugly"};
        for (int i = 0; i < 40; i++) {
            train.append("pos,\"").append(pos[i % 3].replace("\"", "\"\"")).append("\"\n");
            train.append("neg,\"").append(neg[i % 3]).append("\"\n");
        }
        for (int i = 0; i < 6; i++) {
            test.append("pos,\"").append(pos[i % 3].replace("\"", "")).append("\"\n");
            test.append("neg,\"").append(neg[i % 3]).append("\"\n");
        }
        Path tr = tmp.resolve("train.csv");
        Path te = tmp.resolve("test.csv");
        Files.writeString(tr, train);
        Files.writeString(te, test);
        for (String attention : new String[] {"classical", "qama"}) {
            CliRun r =
                    CliRun.of(
                            "train",
                            "--task",
                            "text",
                            "--train-csv",
                            tr.toString(),
                            "--test-csv",
                            te.toString(),
                            "--attention",
                            attention,
                            "--solver",
                            "test-greedy:sweeps=20",
                            "--max-length",
                            "8",
                            "--epochs",
                            "3",
                            "--batch-size",
                            "16",
                            "--lr",
                            "1e-2",
                            "--json",
                            "--no-plots",
                            "--out",
                            tmp.resolve("t-" + attention).toString());
            Map<String, Object> j = json(r);
            assertEquals("text", j.get("task"));
            assertEquals("csv", j.get("dataset"));
            assertEquals(80.0, ((Number) j.get("train_size")).doubleValue(), 0.0);
            double acc = ((Number) j.get("test_accuracy")).doubleValue();
            assertTrue(acc > 0.8, attention + ": test accuracy " + acc);
        }
    }

    @Test
    void aBadOutputModeIsAOneLineErrorNamingTheValidModes() {
        CliRun r = CliRun.of("train", "--attention", "qama", "--output-mode", "keys");
        assertEquals(2, r.exitCode());
        assertTrue(
                r.err()
                        .contains(
                                "--output-mode: output mode 'keys' is not one of paper, values,"
                                        + " selected-keys"),
                r.err());
        assertEquals(1, r.errLines().length, r.err());
    }
}
