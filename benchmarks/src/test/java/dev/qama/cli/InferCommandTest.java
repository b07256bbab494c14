package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qama train} saves the model; {@code qama infer} rebuilds it and predicts. */
class InferCommandTest {
    @TempDir static Path tmp;
    static Path run;
    static Path examples;

    @BeforeAll
    static void train() throws IOException {
        run = tmp.resolve("run");
        CliRun t =
                CliRun.of(
                        "train",
                        "--attention",
                        "qama",
                        "--solver",
                        "sb",
                        "--epochs",
                        "1",
                        "--max-train",
                        "200",
                        "--max-test",
                        "20",
                        "--batch-size",
                        "50",
                        "--seed",
                        "4",
                        "--no-plots",
                        "--json",
                        "--out",
                        run.toString());
        assertEquals(0, t.exitCode(), t.err());
        examples = tmp.resolve("digits.csv");
        CliRun e = CliRun.of("infer", "export", "--out", examples.toString());
        assertEquals(0, e.exitCode(), e.err());
    }

    @Test
    void trainSavesTheModelAndWhatRebuildsIt() throws IOException {
        Map<String, Object> r = MiniJson.object(Files.readString(run.resolve("result.json")));
        assertEquals("model-0000.params", r.get("model"));
        assertTrue(Files.size(run.resolve("model-0000.params")) > 10_000);
        assertEquals(8.0, ((Number) r.get("image_size")).doubleValue());
        assertEquals(1.0, ((Number) r.get("channels")).doubleValue());
        assertEquals(2.0, ((Number) r.get("patch")).doubleValue());
        assertEquals(10.0, ((Number) r.get("classes")).doubleValue());
    }

    @Test
    void exportWritesEveryDigitWithAHeader() throws IOException {
        List<String> lines = Files.readAllLines(examples);
        assertEquals(1 + 1797, lines.size());
        assertTrue(lines.get(0).startsWith("id,x0,x1,"));
        assertEquals(65, lines.get(1).split(",").length);
        assertTrue(lines.get(1).startsWith("0,"));
    }

    /** Each example's prediction line depends only on the example, not on its neighbours. */
    @Test
    void predictionsDoNotDependOnTheOtherExamplesOfTheFile() throws IOException {
        List<String> all = Files.readAllLines(examples);
        Map<String, String> full = predict(all, "full");
        assertEquals(1797, full.size());
        List<String> some = new ArrayList<>(all.subList(1, 400));
        Collections.reverse(some);
        some = some.subList(0, 173); // another batch split, other neighbours
        Map<String, String> part = predict(some, "part");
        assertEquals(173, part.size());
        for (Map.Entry<String, String> e : part.entrySet()) {
            assertEquals(full.get(e.getKey()), e.getValue(), "example " + e.getKey());
        }
        // the model predicts: 10 classes, logits that differ between examples
        assertTrue(full.values().stream().distinct().count() > 100);
    }

    private Map<String, String> predict(List<String> lines, String name) throws IOException {
        Path in = tmp.resolve(name + ".csv");
        Path out = tmp.resolve(name + "-predictions.csv");
        Files.write(in, lines);
        CliRun r =
                CliRun.of(
                        "infer",
                        run.toString(),
                        "--input",
                        in.toString(),
                        "--out",
                        out.toString(),
                        "--batch-size",
                        "32");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("examples/s"), r.err());
        List<String> p = Files.readAllLines(out);
        assertTrue(p.get(0).startsWith("id,prediction,logit0,"), p.get(0));
        Map<String, String> byId = new HashMap<>();
        for (String l : p.subList(1, p.size())) {
            String[] f = l.split(",", 2);
            assertEquals(12, l.split(",").length, l);
            byId.put(f[0], f[1]);
        }
        return byId;
    }

    @Test
    void mistakesAreOneLineNamingTheProblem() throws IOException {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "id,x0\n7,0.5,nope\n");
        CliRun r = CliRun.of("infer", run.toString(), "--input", bad.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("bad.csv:2: 3 fields, expected 65"), r.err());

        Path noModel = Files.createDirectories(tmp.resolve("nomodel"));
        Files.writeString(
                noModel.resolve("result.json"),
                Files.readString(run.resolve("result.json"))
                        .replace("\"model\":\"model-0000.params\"", "\"model\":null"));
        r = CliRun.of("infer", noModel.toString(), "--input", examples.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("no saved model"), r.err());

        r = CliRun.of("infer", tmp.resolve("none").toString(), "--input", examples.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("no result.json"), r.err());
    }
}
