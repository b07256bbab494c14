package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qama train} meets bad files, options of the wrong task and crowded run directories: one
 * line naming the file (or option) and what is wrong, no Java class names, no silent fallback to
 * other data, no shared or stray run directories. Everything here fails before training, except one
 * tiny text run.
 */
class TrainInputTest {
    @TempDir Path tmp;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path csv(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An unsigned-byte IDX file: images (count x 2 x 2, pixel i % 7) or labels. */
    private static byte[] idx(int[] dims, int[] labels) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.write(new byte[] {0, 0, 8, (byte) dims.length});
        for (int x : dims) {
            d.writeInt(x);
        }
        if (labels != null) {
            for (int l : labels) {
                d.write(l);
            }
        } else {
            int n = dims[0] * dims[1] * dims[2];
            for (int i = 0; i < n; i++) {
                d.write(i % 7);
            }
        }
        return b.toByteArray();
    }

    private static String[] idxRun(Path trI, Path trL, Path teI, Path teL) {
        return new String[] {
            "train",
            "--train-images",
            trI.toString(),
            "--train-labels",
            trL.toString(),
            "--test-images",
            teI.toString(),
            "--test-labels",
            teL.toString(),
            "--epochs",
            "1",
            "--no-plots",
            "--json"
        };
    }

    @Test
    void fileProblemsNameTheFileInWords() throws IOException {
        Path good = csv("good.csv", "a,x y\nb,y z\n");
        Path latin =
                write("latin.csv", "a,x y\nb,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        String[] text = {"train", "--task", "text", "--test-csv", good.toString(), "--train-csv"};
        CliRun.assertUserError(
                latin + ": not UTF-8 text: byte 0xE9 on line 2",
                TrainCommandTest.concat(text, latin.toString()));
        Path missing = tmp.resolve("missing.csv");
        CliRun.assertUserError(
                missing + ": no such file", TrainCommandTest.concat(text, missing.toString()));
        CliRun.assertUserError(
                tmp + ": is a directory", TrainCommandTest.concat(text, tmp.toString()));
        // a UTF-8 byte order mark before the header is accepted (the header is recognised): the
        // run gets as far as the missing test file
        Path bom = csv("bom.csv", "\uFEFFlabel,text\na,x y\nb,y z\n");
        CliRun.assertUserError(
                missing + ": no such file",
                "train",
                "--train-csv",
                bom.toString(),
                "--test-csv",
                missing.toString());

        Path im = write("im", idx(new int[] {4, 2, 2}, null));
        Path lb = write("lb", idx(new int[] {4}, new int[] {0, 1, 0, 1}));
        // a .gz whose deflate data is corrupt (the first block has the reserved type 11)
        Path gz = tmp.resolve("im.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(idx(new int[] {4, 2, 2}, null));
        }
        byte[] bytes = Files.readAllBytes(gz);
        bytes[10] = (byte) 0xff;
        Files.write(gz, bytes);
        CliRun.assertUserError(gz + ": corrupt gzip data", idxRun(gz, lb, im, lb));
        // a directory is a directory, not "no such file"
        CliRun.assertUserError(tmp + ": is a directory", idxRun(im, tmp, im, lb));
        CliRun.assertUserError(missing + ": no such file", idxRun(im, lb, missing, lb));
        // --out names an existing file
        CliRun.assertUserError(
                "--out " + good + ": exists and is not a directory",
                "train",
                "--out",
                good.toString(),
                "--epochs",
                "1");
    }

    @Test
    void idxLabelsOutsideTheClassesAreRejected() throws IOException {
        Path im = write("im", idx(new int[] {6, 2, 2}, null));
        Path lb = write("lb", idx(new int[] {6}, new int[] {0, 1, 0, 1, 0, 1}));
        Path stray = write("stray", idx(new int[] {6}, new int[] {0, 1, 0, 200, 0, 1}));
        CliRun.assertUserError(
                stray
                        + ": label 200 (at index 3) is out of range: labels must be the classes"
                        + " 0..K-1, but classes 2 to 199 have no example",
                idxRun(im, stray, im, lb));
        Path test = write("test", idx(new int[] {6}, new int[] {0, 1, 0, 1, 5, 1}));
        CliRun.assertUserError(
                test + ": label 5 (at index 4) is out of range: the training labels are 0..1",
                idxRun(im, lb, im, test));
    }

    @Test
    void optionsOfAnotherTaskAreErrorsAndTextIsInferredFromItsFiles() throws IOException {
        Path missing = tmp.resolve("none.csv");
        // before: trained on the embedded digits, ignoring both files
        CliRun.assertUserError(
                missing + ": no such file",
                "train",
                "--train-csv",
                missing.toString(),
                "--test-csv",
                missing.toString(),
                "--epochs",
                "1",
                "--max-train",
                "20",
                "--max-test",
                "10",
                "--no-plots",
                "--out",
                tmp.resolve("d").toString());
        CliRun.assertUserError(
                "--train-csv belongs to --task text, not to --task image",
                "train",
                "--task",
                "image",
                "--train-csv",
                missing.toString());
        CliRun.assertUserError(
                "--epochs belongs to --task image and text, not to --task kv-retrieval",
                "train",
                "--task",
                "kv-retrieval",
                "--epochs",
                "3");
        CliRun.assertUserError(
                "--length belongs to --task kv-retrieval, not to --task text",
                "train",
                "--task",
                "text",
                "--length",
                "64");
        CliRun.assertUserError(
                "--dataset spam-assassin belongs to --task text, not to --task image",
                "train",
                "--task",
                "image",
                "--dataset",
                "spam-assassin");
        CliRun.assertUserError(
                "--train-images belongs to --task image but --train-csv to --task text",
                "train",
                "--train-images",
                "a",
                "--train-csv",
                "b");
        CliRun.assertUserError(
                "--task must be image, text or kv-retrieval, got 'audio'",
                "train",
                "--task",
                "audio");

        // the inferred text task trains on the CSV files (a tiny run)
        StringBuilder tr = new StringBuilder("label,text\n");
        for (int i = 0; i < 16; i++) {
            tr.append(i % 2 == 0 ? "pos,good fine\n" : "neg,bad poor\n");
        }
        Path train = csv("train.csv", tr.toString());
        Path test = csv("test.csv", "pos,good\nneg,poor\n");
        Map<String, Object> j =
                TrainCommandTest.json(
                        CliRun.of(
                                "train",
                                "--train-csv",
                                train.toString(),
                                "--test-csv",
                                test.toString(),
                                "--max-length",
                                "4",
                                "--epochs",
                                "1",
                                "--batch-size",
                                "8",
                                "--json",
                                "--no-plots",
                                "--out",
                                tmp.resolve("t").toString()));
        assertEquals("text", j.get("task"));
        assertEquals("csv", j.get("dataset"));
        assertEquals(16.0, ((Number) j.get("train_size")).doubleValue(), 0.0);
    }

    @Test
    void runDirectoriesOfTheSameSecondNeverCollide() throws Exception {
        Path runs = tmp.resolve("runs");
        LocalDateTime t = LocalDateTime.of(2026, 1, 2, 3, 4, 5);
        Path a = RunDirectory.create(null, runs, t).path();
        Path b = RunDirectory.create(null, runs, t).path();
        assertEquals(runs.resolve("20260102-030405"), a);
        assertEquals(runs.resolve("20260102-030405-2"), b);
        // eight at once: eight different directories
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Path>> f = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                f.add(pool.submit(() -> RunDirectory.create(null, runs, t).path()));
            }
            Set<Path> made = new HashSet<>(List.of(a, b));
            for (Future<Path> p : f) {
                assertTrue(made.add(p.get(10, TimeUnit.SECONDS)), "shared: " + p.get());
            }
            assertEquals(10, made.size());
        } finally {
            pool.shutdownNow();
        }
        // discardIfEmpty removes only an empty directory this run created
        RunDirectory c = RunDirectory.create(null, runs, t);
        Files.writeString(c.path().resolve("result.json"), "{}");
        c.discardIfEmpty();
        assertTrue(Files.isDirectory(c.path()));
        RunDirectory existing = RunDirectory.create(a, runs, t);
        existing.discardIfEmpty();
        assertTrue(Files.isDirectory(a), "an existing --out directory is never removed");
        RunDirectory d = RunDirectory.create(null, runs, t);
        d.discardIfEmpty();
        assertFalse(Files.exists(d.path()));
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThrows(UserException.class, () -> RunDirectory.create(file, runs, t));
    }

    @Test
    void aRunThatFailsBeforeTrainingLeavesNoDirectory() throws IOException {
        Path out = tmp.resolve("runs/bad-solver");
        CliRun r =
                CliRun.of(
                        "train",
                        "--attention",
                        "qama",
                        "--solver",
                        "nope",
                        "--epochs",
                        "1",
                        "--max-train",
                        "20",
                        "--max-test",
                        "10",
                        "--json",
                        "--no-plots",
                        "--out",
                        out.toString());
        assertEquals(2, r.exitCode(), r.err());
        String[] lines = r.errLines();
        assertTrue(
                lines[lines.length - 1].startsWith("qama: unknown annealer backend 'nope'"),
                r.err());
        assertFalse(Files.exists(out), out + " was left behind");
    }

    @Test
    void aNegativeSelectionWarmupIsRefusedBeforeAnyData() {
        CliRun.assertUserError(
                "--selection-warmup must be >= 0 training passes, got -5",
                "train",
                "--attention",
                "qama",
                "--selection-warmup",
                "-5",
                "--out",
                tmp.resolve("runs/warm").toString());
        assertFalse(Files.exists(tmp.resolve("runs/warm")));
    }
}
