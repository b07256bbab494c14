package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every class of user error gives exit code 2, nothing on stdout and exactly one line on stderr
 * that starts with "qama: " and names the problem.
 */
class BadInputTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String[] solve(Path file, String format, String... more) {
        List<String> a = new ArrayList<>(List.of("solve", "--input", file.toString()));
        if (format != null) {
            a.addAll(List.of("--format", format));
        }
        if (!Arrays.asList(more).contains("--solver")) {
            a.addAll(List.of("--solver", "test-greedy"));
        }
        a.addAll(List.of(more));
        a.add("--json");
        return a.toArray(new String[0]);
    }

    @Test
    void malformedFilesNameFileAndLine() throws IOException {
        Path truncated = write("trunc.txt", "3 3\n1 2 1\n2 3 1\n");
        CliRun.assertUserError(
                "qama: " + truncated + ":3: file ends after 2 of the 3 edges",
                solve(truncated, "gset"));
        Path extra = write("extra.txt", "3 1\n1 2 1\n2 3 1\n");
        CliRun.assertUserError(extra + ":3: extra line", solve(extra, "gset"));
        Path columns = write("cols.sparse", "3 1\n1 2 1 1\n");
        CliRun.assertUserError(columns + ":2: expected an entry", solve(columns, "biqmac"));
        Path badNumber = write("num.sparse", "3 1\n1 2 1..5\n");
        CliRun.assertUserError(
                badNumber + ":2: coefficient '1..5' is not a finite decimal number (1 2 1..5)",
                solve(badNumber, "biqmac"));
        Path nan = write("nan.qubo", "qubo 2 1\n0 1 NaN\n");
        CliRun.assertUserError(nan + ":2: coefficient 'NaN'", solve(nan, "qubo"));
        Path range = write("range.txt", "3 1\n0 2 1\n");
        CliRun.assertUserError(
                range + ":2: node index 0 is out of range [1, 3]", solve(range, "gset"));
        Path negative = write("neg.txt", "-4 1\n");
        CliRun.assertUserError(
                negative + ":1: node count n -4 is out of range", solve(negative, "gset"));
        Path empty = write("empty.qubo", "");
        CliRun.assertUserError(empty + ":1: empty file", solve(empty, "qubo"));
        Path wrongFormat = write("g.txt", "3 1\n1 2 1\n");
        CliRun.assertUserError(
                wrongFormat + ":1: expected the header 'qubo n m'", solve(wrongFormat, "qubo"));
        Path binary = dir.resolve("bin.txt");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        CliRun.assertUserError(binary + ": not a text file", solve(binary, "gset"));
    }

    @Test
    void binaryTextAndEscapeSequencesGivePrintableMessages() throws IOException {
        Path nul = dir.resolve("nul.txt");
        Files.write(nul, "4 1\n1 2 \0 1\n".getBytes(StandardCharsets.UTF_8));
        assertPrintable(
                CliRun.assertUserError(
                        nul + ":2: not a text file: a NUL byte", solve(nul, "gset")));
        Path utf16 = dir.resolve("u16.txt");
        Files.write(utf16, "4 1\n1 2 1\n".getBytes(StandardCharsets.UTF_16));
        CliRun.assertUserError(
                utf16 + ": not a text file this reader accepts: UTF-16", solve(utf16, "gset"));
        Path esc = write("esc.txt", "4 1\n1 2 \u001b[31mRED\u001b]0;title\u0007\n");
        assertPrintable(
                CliRun.assertUserError(
                        esc + ":2: edge weight '\\x1b[31mRED\\x1b]0;title\\x07'",
                        solve(esc, "gset")));
        // a file name is quoted escaped too
        Path named = dir.resolve("na\u001b[2Jme.txt");
        assertPrintable(
                CliRun.assertUserError("na\\x1b[2Jme.txt: no such file", solve(named, "gset")));
        // a UTF-8 byte order mark is accepted
        Path bom = dir.resolve("bom.txt");
        Files.write(bom, "\uFEFF3 1\n1 2 1\n".getBytes(StandardCharsets.UTF_8));
        CliRun r = CliRun.of(solve(bom, "gset", "--solver", "exact"));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"cut\":1"), r.out());
    }

    private static void assertPrintable(CliRun r) {
        for (char c : r.err().strip().toCharArray()) {
            assertTrue(c >= 0x20 && c != 0x7f, "raw control character in " + r.err());
        }
    }

    @Test
    void missingAndUnreadableFiles() {
        Path missing = dir.resolve("nope.txt");
        CliRun.assertUserError("qama: " + missing + ": no such file", solve(missing, "gset"));
        CliRun.assertUserError(dir + ": is a directory", solve(dir, "gset"));
    }

    @Test
    void unknownSolverListsTheKnownOnes() throws IOException {
        Path q = write("q.qubo", "qubo 1 0\n");
        CliRun r =
                CliRun.assertUserError(
                        "unknown annealer backend 'nope'", solve(q, "qubo", "--solver", "nope"));
        assertTrue(r.err().contains("known: ") && r.err().contains("test-greedy"), r.err());
        // bench long-seq checks the name before it starts any child JVM
        Path out = dir.resolve("long-seq");
        CliRun.assertUserError(
                "--backend: unknown annealer backend 'nope'",
                "bench",
                "long-seq",
                "--backend",
                "nope",
                "--out",
                out.toString());
        assertFalse(Files.exists(out), "no measurement was written");
    }

    @Test
    void badOptionsAndValues() throws IOException {
        Path q = write("q.qubo", "qubo 1 0\n");
        CliRun.assertUserError(
                "unknown backend option 'bogus'", solve(q, "qubo", "--option", "bogus=1"));
        CliRun.assertUserError(
                "sweeps=many is not an integer", solve(q, "qubo", "-o", "sweeps=many"));
        CliRun.assertUserError("KEY=VALUE", solve(q, "qubo", "--option", "bogus"));
        CliRun.assertUserError("bad duration '2x'", solve(q, "qubo", "--time-limit", "2x"));
        CliRun.assertUserError("bad duration '5'", solve(q, "qubo", "--time-limit", "5"));
        CliRun.assertUserError("must be positive", solve(q, "qubo", "--time-limit", "0s"));
        CliRun.assertUserError(
                "unknown format 'xml'; expected gset, biqmac or qubo", solve(q, "xml"));
        CliRun.assertUserError("missing --format", solve(q, null));
        CliRun.assertUserError(
                "--reads must be at least 1, got 0", solve(q, "qubo", "--reads", "0"));
        CliRun.assertUserError("--threads must be at least 1", solve(q, "qubo", "--threads", "0"));
        CliRun.assertUserError("'abc'", solve(q, "qubo", "--seed", "abc"));
        CliRun.assertUserError("Unknown option: '--frobnicate'", solve(q, "qubo", "--frobnicate"));
        CliRun.assertUserError("missing --input", "solve", "--format", "qubo");
        CliRun.assertUserError("Unmatched argument", "launch");
    }

    @Test
    void badFormulationNamesTheValueAndTheValidNames() {
        String valid = "formulation 'paper-v3' is not one of paper-v1, paper-v2";
        CliRun.assertUserError(
                "--formulation: " + valid,
                "bench",
                "attention",
                "-s",
                "sb",
                "--formulation",
                "paper-v3");
        CliRun.assertUserError(
                "--formulation: " + valid,
                "train",
                "--attention",
                "qama",
                "--formulation",
                "paper-v3");
    }
}
