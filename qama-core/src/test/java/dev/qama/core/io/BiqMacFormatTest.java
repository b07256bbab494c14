package dev.qama.core.io;

import static dev.qama.core.io.IoTesting.allStates;
import static dev.qama.core.io.IoTesting.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Vartype;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BiqMacFormatTest {

    private static BinaryQuadraticModel parse(String text) throws IOException {
        return BiqMacFormat.read(new StringReader(text), "t.sparse");
    }

    /** xᵀQx with Q the full symmetric matrix (row-major). */
    private static double xQx(double[] q, int n, byte[] x) {
        double e = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                e += x[i] * q[i * n + j] * x[j];
            }
        }
        return e;
    }

    @Test
    void offDiagonalEntriesCountTwiceDiagonalOnce() throws IOException {
        // Q = [[-3, 2, 0], [2, 1, -4], [0, -4, 5]]: entries listed once, upper and lower mixed
        BinaryQuadraticModel m = parse("3 5\n1 1 -3\n1 2 2\n2 2 1\n3 2 -4\n3 3 5\n");
        assertEquals(Vartype.BINARY, m.vartype());
        assertEquals(3, m.numVariables());
        double[] q = {-3, 2, 0, 2, 1, -4, 0, -4, 5};
        double best = Double.POSITIVE_INFINITY;
        for (byte[] x : allStates(3, (byte) 0)) {
            assertEquals(xQx(q, 3, x), m.energy(x), 1e-12);
            best = Math.min(best, m.energy(x));
        }
        // x = (1, 1, 0): -3 + 2·2 + 1 = 2; x = (1, 0, 0): -3; x = (0, 1, 1): 1 - 8 + 5 = -2
        assertEquals(-3.0, best);
        assertEquals(4.0, m.coupling().get(0, 1));
        assertEquals(-8.0, m.coupling().get(1, 2));
        assertEquals(-3f, m.linear(0));
    }

    @Test
    void be100OneHasItsSizeAndMatchesAnIndependentDenseReading() throws IOException {
        Path file = IoTesting.resource("be100.1.sparse");
        BinaryQuadraticModel m = BiqMacFormat.read(file);
        assertEquals(100, m.numVariables());
        int diag = 0;
        for (float h : m.linear()) {
            if (h != 0f) {
                diag++;
            }
        }
        assertEquals(100, diag);
        // 5003 entries: 100 diagonal + 4903 distinct pairs (stored in both triangles)
        assertEquals(2L * (5003 - 100), m.coupling().nonZeros());
        checkAgainstDenseReading(file, m);
    }

    @Test
    void be100OneReachesItsPublishedBestUnderThisConvention() throws IOException {
        // the published best value −19412 is a minimum of xᵀQx with off-diagonal entries counted
        // twice; restarts of single-flip descent find it and never go below it
        BinaryQuadraticModel m = BiqMacFormat.read(IoTesting.resource("be100.1.sparse"));
        SplittableRandom rnd = new SplittableRandom(2024);
        double best = Double.POSITIVE_INFINITY;
        for (int restart = 0; restart < 500 && best > -19412; restart++) {
            byte[] x = new byte[100];
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) rnd.nextInt(2);
            }
            boolean improved = true;
            while (improved) {
                improved = false;
                for (int i = 0; i < x.length; i++) {
                    if (m.flipDelta(x, i) < -1e-9) {
                        x[i] ^= 1;
                        improved = true;
                    }
                }
            }
            best = Math.min(best, m.energy(x));
        }
        assertEquals(-19412.0, best);
    }

    /** Reads the file a second, naive way into a dense symmetric Q and compares xᵀQx. */
    private static void checkAgainstDenseReading(Path file, BinaryQuadraticModel m)
            throws IOException {
        List<String> lines = Files.readAllLines(file);
        int n = Integer.parseInt(lines.get(0).trim().split("\\s+")[0]);
        double[] q = new double[n * n];
        for (String l : lines.subList(1, lines.size())) {
            if (l.isBlank()) {
                continue;
            }
            String[] f = l.trim().split("\\s+");
            int i = Integer.parseInt(f[0]) - 1;
            int j = Integer.parseInt(f[1]) - 1;
            q[i * n + j] = Double.parseDouble(f[2]);
            q[j * n + i] = Double.parseDouble(f[2]);
        }
        SplittableRandom rnd = new SplittableRandom(3);
        for (int t = 0; t < 5; t++) {
            byte[] x = new byte[n];
            for (int i = 0; i < n; i++) {
                x[i] = (byte) rnd.nextInt(2);
            }
            assertEquals(xQx(q, n, x), m.energy(x), 1e-6);
        }
    }

    @Test
    void everySharedBiqMacInstanceReads() throws IOException {
        Path dir = IoTesting.shared("biqmac-be");
        assumeTrue(dir != null, "skipped: " + IoTesting.SHARED_DATA + "/biqmac-be is absent");
        List<String> rows = Files.readAllLines(dir.resolve("best-known.csv"));
        for (String row : rows.subList(1, rows.size())) {
            String name = row.split(",")[0];
            Path file = dir.resolve(name + ".sparse");
            BinaryQuadraticModel m = BiqMacFormat.read(file);
            assertEquals(100, m.numVariables(), name);
            checkAgainstDenseReading(file, m);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "empty | \"\" | 1 | empty file",
                "header columns | \"3 2 1\n\" | 1 | found 3 columns",
                "negative n | \"-1 0\n\" | 1 | -1 is out of range",
                "too many entries | \"2 4\n\" | 1 | 4 is out of range [0, 3]",
                "truncated | \"3 2\n1 1 1\n\" | 2 | file ends after 1 of the 2 entries",
                "extra line | \"3 1\n1 1 1\n2 2 1\n\" | 3 | extra line after the 1 entries",
                "wrong columns | \"3 1\n1 1\n\" | 2 | found 2 columns",
                "bad number | \"3 1\n1 2 1,5\n\" | 2 | '1,5' is not a finite decimal",
                "nan | \"3 1\n1 2 nan\n\" | 2 | 'nan' is not a finite decimal",
                "inf | \"3 1\n1 2 -inf\n\" | 2 | '-inf' is not a finite decimal",
                "float overflow when doubled | \"3 1\n1 2 3e38\n\" | 2 | too large",
                "zero index | \"3 1\n0 1 1\n\" | 2 | row index 0 is out of range [1, 3]",
                "index above n | \"3 1\n1 9 1\n\" | 2 | column index 9 is out of range [1, 3]",
                "duplicate pair | \"3 3\n1 2 1\n2 2 1\n2 1 5\n\" | 4 | repeats the pair of line 2",
            })
    void malformedFilesAreRejectedWithFileAndLine(
            String label, String text, int line, String fragment) {
        assertFormatError(() -> parse(text), "t.sparse", line, fragment);
    }
}
