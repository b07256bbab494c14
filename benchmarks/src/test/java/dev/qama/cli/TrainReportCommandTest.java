package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qama train report}: mean ± sd over seeds of run directories written by hand. */
class TrainReportCommandTest {
    @TempDir Path tmp;

    /** A run directory as {@code qama train --out} leaves it, with two test checkpoints. */
    private Path run(
            String name,
            String attention,
            String solverOptions,
            long seed,
            double test,
            double at1,
            double at2,
            boolean interrupted)
            throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        boolean q = attention.equals("qama");
        Files.writeString(
                d.resolve("result.json"),
                String.format(
                        Locale.ROOT,
                        "{\"task\":\"image\",\"dataset\":\"fashion-mnist\",\"attention\":\"%s\","
                                + "\"epochs\":2,\"seed\":%d,\"train_accuracy\":0.9,"
                                + "\"test_accuracy\":%s,\"train_seconds\":100,"
                                + "\"solver_seconds\":%s,%s\"batch_size\":128,\"lr\":0.001,"
                                + "\"planned_epochs\":2,\"train_size\":60000,"
                                + "\"test_size\":10000,\"interrupted\":%s}\n",
                        attention,
                        seed,
                        test,
                        q ? "40" : "0",
                        q
                                ? "\"formulation\":\"paper-v2\",\"output_mode\":\"selected-keys\","
                                        + "\"solver\":\"sb\",\"solver_options\":\""
                                        + solverOptions
                                        + "\","
                                : "",
                        interrupted));
        Files.writeString(
                d.resolve("history.csv"),
                "epoch,loss,train_accuracy,seconds,solver_seconds,test_accuracy\n"
                        + "1,0.8,0.7,50,0,"
                        + at1
                        + "\n2,0.6,0.9,100,0,"
                        + at2
                        + "\n");
        return d;
    }

    @Test
    void groupsBySettingAndAveragesOverSeeds() throws IOException {
        Path c1 = run("c1", "classical", "", 1, 0.86, 0.80, 0.86, false);
        Path c2 = run("c2", "classical", "", 2, 0.88, 0.82, 0.88, false);
        // a result with held_out (since the fourth session) groups with one written before it
        Path c2json = c2.resolve("result.json");
        Files.writeString(
                c2json,
                Files.readString(c2json)
                        .replace("\"interrupted\"", "\"held_out\":\"test\",\"interrupted\"")
                        // a split by groups (sotu-party's by address) varies with the seed
                        .replace("60000", "59000")
                        .replace("10000", "11000"));
        // a subset (--max-train) is another setting
        Path sub = run("sub", "classical", "", 1, 0.70, 0.60, 0.70, false);
        Path subJson = sub.resolve("result.json");
        Files.writeString(
                subJson,
                Files.readString(subJson)
                        .replace("60000", "8000")
                        .replace("\"interrupted\"", "\"max_train\":8000,\"interrupted\""));
        Path q1 = run("q1", "qama", "threads=1", 1, 0.87, 0.81, 0.87, false);
        Path q2 = run("q2", "qama", "", 2, 0.89, 0.83, 0.89, false);
        Path q3 = run("q3", "qama", "threads=2", 3, 0.85, 0.79, 0.85, false);
        Path r1 = run("r1", "qama", "steps=10,threads=1", 1, 0.50, 0.50, 0.50, false);
        Path bad = run("cut", "qama", "", 4, 0.10, 0.10, 0.10, true);
        Path png = tmp.resolve("mean.png");
        CliRun r =
                CliRun.of(
                        "train",
                        "report",
                        c1.toString(),
                        q1.toString(),
                        c2.toString(),
                        q2.toString(),
                        q3.toString(),
                        r1.toString(),
                        bad.toString(),
                        sub.toString(),
                        "--plot",
                        png.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        // classical 86, 88 -> 87.00 ± 1.41; qama 87, 89, 85 -> 87.00 ± 2.00
        assertTrue(
                out.contains(
                        "| fashion-mnist | classical | 2 | 1, 2 | 87.00 ± 1.41 | 86.00 / 88.00 |"
                                + " 90.00 | 100 | – |"),
                out);
        assertTrue(
                out.contains(
                        "| fashion-mnist | qama v2 selected-keys (sb) | 2 | 1, 2, 3 | 87.00 ± 2.00"
                                + " | 87.00 / 89.00 / 85.00 | 90.00 | 100 | 40 % |"),
                out);
        assertTrue(
                out.contains("| fashion-mnist | classical | 2 | 1 | 70.00 | 70.00 |"),
                "the subset is a group of its own: " + out);
        // threads does not split groups; other solver options do
        assertTrue(
                out.contains(
                        "| fashion-mnist | qama v2 selected-keys (sb:steps=10) | 2 | 1 | 50.00 |"),
                out);
        // paired on the common seeds 1, 2: +1 and +1 points -> +1.00 ± 0.00; +1 at both
        // checkpoints (which one is the worst is up to rounding); equal train seconds -> 1.00×
        assertTrue(
                out.contains(
                        "| fashion-mnist | qama v2 selected-keys (sb) | 1, 2 | +1.00 ± 0.00 |"
                                + " +1.00 ("),
                out);
        // seed 1 only: 50 - 86 = -36 at the end, 50 - 80 = -30 at epoch 1
        assertTrue(
                out.contains(
                        "| fashion-mnist | qama v2 selected-keys (sb:steps=10) | 1 | -36.00 ±"
                                + " 0.00 | -36.00 (2) | 1.00× |"),
                out);
        assertTrue(out.contains("| 1 | 81.00 ± 1.41 | 81.00 ± 2.00 | 50.00 |"), out);
        assertTrue(out.contains("| 2 | 87.00 ± 1.41 | 87.00 ± 2.00 | 50.00 |"), out);
        assertFalse(out.contains("10.00"), "the interrupted run was counted: " + out);
        assertTrue(r.err().contains("cut: left out, interrupted"), r.err());
        assertTrue(Files.size(png) > 2000);

        CliRun j = CliRun.of("train", "report", "--json", c1.toString(), c2.toString());
        assertEquals(0, j.exitCode(), j.err());
        Map<String, Object> g = MiniJson.object(j.out().strip());
        assertEquals("classical", g.get("attention"));
        assertEquals("1,2", g.get("seeds"));
        assertEquals(0.87, ((Number) g.get("test_accuracy_mean")).doubleValue(), 1e-12);
        assertEquals(Math.sqrt(2) / 100, ((Number) g.get("test_accuracy_sd")).doubleValue(), 1e-12);
        assertFalse(g.containsKey("vs_classical_mean"), "classical is not paired with itself");
    }

    @Test
    void pairsWithClassicalSeedBySeed() throws IOException {
        // classical 80 / 84 at the end, 70 / 76 at epoch 1; qama 79 / 85 and 66 / 75
        Path c1 = run("c1", "classical", "", 1, 0.80, 0.70, 0.80, false);
        Path c2 = run("c2", "classical", "", 2, 0.84, 0.76, 0.84, false);
        Path q1 = run("q1", "qama", "", 1, 0.79, 0.66, 0.79, false);
        Path q2 = run("q2", "qama", "", 2, 0.85, 0.75, 0.85, false);
        Path q1json = q1.resolve("result.json");
        Files.writeString(
                q1json,
                Files.readString(q1json).replace("\"train_seconds\":100", "\"train_seconds\":300"));
        CliRun r =
                CliRun.of(
                        "train",
                        "report",
                        c1.toString(),
                        c2.toString(),
                        q1.toString(),
                        q2.toString());
        assertEquals(0, r.exitCode(), r.err());
        // final: -1, +1 -> 0.00 ± 1.00; epoch 1: -4, -1 -> -2.50; times 3×, 1× -> median 2.00×
        assertTrue(
                r.out()
                        .contains(
                                "| fashion-mnist | qama v2 selected-keys (sb) | 1, 2 | +0.00 ±"
                                        + " 1.00 | -2.50 (1) | 2.00× |"),
                r.out());
        CliRun j =
                CliRun.of(
                        "train",
                        "report",
                        "--json",
                        c1.toString(),
                        c2.toString(),
                        q1.toString(),
                        q2.toString());
        assertEquals(0, j.exitCode(), j.err());
        Map<String, Object> g = MiniJson.object(j.out().strip().split("\n")[1]);
        assertEquals("1,2", g.get("paired_seeds"));
        assertEquals(-0.025, ((Number) g.get("vs_classical_worst")).doubleValue(), 1e-12);
        assertEquals(1, ((Number) g.get("vs_classical_worst_epoch")).intValue());
        assertEquals(2.0, ((Number) g.get("train_time_ratio")).doubleValue(), 1e-12);
    }

    @Test
    void badInputIsAOneLineUserError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("train", "report", empty.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains(empty + ": no result.json"), r.err());
        assertEquals(1, r.errLines().length, r.err());

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("result.json"), "{\"attention\":");
        r = CliRun.of("train", "report", broken.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("broken/result.json: malformed JSON"), r.err());

        Path cut = run("cut", "classical", "", 1, 0.5, 0.5, 0.5, true);
        r = CliRun.of("train", "report", cut.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("no finished run"), r.err());
    }
}
