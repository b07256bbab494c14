package dev.qama.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.bench.infer.ExampleCsv;
import dev.qama.bench.train.Digits;
import dev.qama.bench.train.ImageSet;
import dev.qama.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QAMA model trained by {@code qama train} (one epoch on 200 digits), scored on Spark local[2]
 * over several partitions: the predictions equal {@code qama infer}'s in this JVM byte for byte.
 */
@Timeout(300)
class SparkInferenceTest {
    @TempDir static Path tmp;
    static Path run;
    static Path examples;
    static JavaSparkContext sc;

    @BeforeAll
    static void setUp() throws IOException {
        run = tmp.resolve("run");
        CliResult t =
                cli(
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
                        "--lr",
                        "5e-3",
                        "--seed",
                        "3",
                        "--no-plots",
                        "--json",
                        "--out",
                        run.toString());
        assertEquals(0, t.code(), t.err());
        ImageSet digits = Digits.load().head(300);
        examples = tmp.resolve("examples.csv");
        try (Writer w = Files.newBufferedWriter(examples, StandardCharsets.UTF_8)) {
            ExampleCsv.write(digits, w);
        }
        sc =
                new JavaSparkContext(
                        SparkInference.local(
                                new SparkConf().setMaster("local[2]").setAppName("qama-test")));
    }

    @AfterAll
    static void tearDown() {
        if (sc != null) {
            sc.close();
        }
    }

    record CliResult(int code, String out, String err) {}

    static CliResult cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new CliResult(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The part files of a Spark output directory, concatenated in partition order. */
    static byte[] concatenated(Path dir, int[] nonEmpty) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Path> parts;
        try (Stream<Path> s = Files.list(dir)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        for (Path p : parts) {
            byte[] b = Files.readAllBytes(p);
            if (b.length > 0) {
                nonEmpty[0]++;
            }
            all.write(b);
        }
        return all.toByteArray();
    }

    @Test
    void sparkPredictionsEqualSingleJvmPredictionsExactly() throws IOException {
        Path single = tmp.resolve("single.csv");
        CliResult r =
                cli(
                        "infer",
                        run.toString(),
                        "--input",
                        examples.toString(),
                        "--out",
                        single.toString(),
                        "--batch-size",
                        "16");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(single);
        assertEquals(301, lines.size()); // header + 300 examples
        assertEquals(ExampleCsv.predictionHeader(10), lines.get(0));

        SparkInference.Job job = SparkInference.prepare(run, null, 3, 16);
        for (int partitions : new int[] {3, 5}) {
            SparkInference.Job j =
                    new SparkInference.Job(
                            job.files(), job.classes(), null, partitions, job.batchSize());
            Path out = tmp.resolve("spark-" + partitions);
            SparkInference.Result s = j.run(sc, examples.toUri().toString(), out.toString());
            assertEquals(300, s.examples());
            assertTrue(s.partitions() >= partitions, "partitions: " + s.partitions());
            int[] nonEmpty = new int[1];
            byte[] spark = concatenated(out, nonEmpty);
            assertTrue(nonEmpty[0] >= 2, "examples in " + nonEmpty[0] + " partitions only");
            // the same ids, classes and logits (Float.toString round-trips), in the same order
            assertArrayEquals(Files.readAllBytes(single), spark, "partitions " + partitions);
        }
    }

    @Test
    void malformedLineIsAUserErrorNamingIt() throws IOException {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "id,x0\n7,0.5,0.25\n");
        SparkInference.Job job = SparkInference.prepare(run, null, 2, 16);
        Exception e =
                assertThrows(
                        Exception.class,
                        () -> job.run(sc, bad.toUri().toString(), tmp.resolve("bad").toString()));
        String m = SparkInference.userMessage(e);
        assertNotNull(m, "no user message in " + e);
        assertTrue(m.contains("3 fields, expected 65"), m);
        assertTrue(m.contains("bad.csv"), m);
    }

    @Test
    void existingOutputAndMissingInputAreUserErrors() throws IOException {
        SparkInference.Job job = SparkInference.prepare(run, null, 2, 16);
        Path taken = Files.createDirectories(tmp.resolve("taken"));
        Exception e =
                assertThrows(
                        Exception.class,
                        () -> job.run(sc, examples.toUri().toString(), taken.toString()));
        String m = SparkInference.userMessage(e);
        assertNotNull(m, "no user message in " + e);
        assertTrue(m.startsWith("--out: ") && m.contains("already exists"), m);
        Path missing = tmp.resolve("missing.csv");
        e =
                assertThrows(
                        Exception.class,
                        () ->
                                job.run(
                                        sc,
                                        missing.toUri().toString(),
                                        tmp.resolve("o2").toString()));
        m = SparkInference.userMessage(e);
        assertNotNull(m, "no user message in " + e);
        assertTrue(m.startsWith("--input: ") && m.contains("missing.csv"), m);
    }

    @Test
    void badRunDirectoryIsOneLineBeforeSparkStarts() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SparkInference.run(
                        new String[] {
                            tmp.resolve("nowhere").toString(),
                            "--input",
                            examples.toString(),
                            "--out",
                            tmp.resolve("o").toString()
                        },
                        new PrintWriter(out, true),
                        new PrintWriter(err, true));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().startsWith("qama-spark: "), err.toString());
        assertTrue(err.toString().contains("no result.json"), err.toString());
        assertEquals(1, err.toString().strip().split("\\R").length, err.toString());
    }
}
