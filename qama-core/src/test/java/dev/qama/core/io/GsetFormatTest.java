package dev.qama.core.io;

import static dev.qama.core.io.IoTesting.allStates;
import static dev.qama.core.io.IoTesting.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class GsetFormatTest {

    private static MaxCutInstance parse(String text) throws IOException {
        return GsetFormat.read(new StringReader(text), "t.txt");
    }

    @Test
    void smallGraphMatchesBruteForceCutAndEnergy() throws IOException {
        // a 4-cycle with a chord and a parallel edge; weights of both signs
        String text = "4 6\n1 2 1\n2 3 2\n3 4 -1\n4 1 3\n1 3 0.5\n2 1 1\n";
        MaxCutInstance g = parse(text);
        assertEquals("t", g.name());
        assertEquals(4, g.numNodes());
        assertEquals(6, g.numEdges());
        assertEquals(6.5, g.totalWeight());
        BinaryQuadraticModel ising = g.toIsing();
        assertEquals(Vartype.SPIN, ising.vartype());
        assertEquals(2.0, ising.coupling().get(0, 1)); // parallel edges 1-2 summed
        assertEquals(0.5, ising.coupling().get(2, 0));
        int[][] edges = {{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 2}, {1, 0}};
        double[] w = {1, 2, -1, 3, 0.5, 1};
        double bestCut = Double.NEGATIVE_INFINITY;
        for (byte[] s : allStates(4, (byte) -1)) {
            double cut = 0;
            double e = 0;
            for (int k = 0; k < edges.length; k++) {
                int prod = s[edges[k][0]] * s[edges[k][1]];
                e += w[k] * prod;
                cut += w[k] * (1 - prod) / 2.0;
            }
            assertEquals(cut, g.cut(s), 1e-12);
            assertEquals(e, ising.energy(s), 1e-12);
            assertEquals(cut, g.cutFromEnergy(ising.energy(s)), 1e-12);
            bestCut = Math.max(bestCut, cut);
        }
        // {1,3} vs {2,4}: cuts 1-2, 2-3, 3-4, 4-1 and both parallel edges → 1+2-1+3+1 = 6
        assertEquals(6.0, bestCut);
    }

    @Test
    void g14FromResourcesHasItsSizeAndCutEqualsHalfWeightMinusEnergy() throws IOException {
        MaxCutInstance g = GsetFormat.read(IoTesting.resource("G14.txt"));
        assertEquals("G14", g.name());
        assertEquals(800, g.numNodes());
        assertEquals(4694, g.numEdges());
        assertEquals(4694.0, g.totalWeight());
        checkCutIdentity(g, 7);
    }

    private static void checkCutIdentity(MaxCutInstance g, long seed) {
        BinaryQuadraticModel ising = g.toIsing();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int t = 0; t < 5; t++) {
            byte[] s = new byte[g.numNodes()];
            for (int i = 0; i < s.length; i++) {
                s[i] = rnd.nextBoolean() ? (byte) 1 : (byte) -1;
            }
            double cut = g.cut(s);
            assertEquals((g.totalWeight() - ising.energy(s)) / 2, cut, 1e-9);
            assertEquals(Math.rint(cut), cut); // ±1 weights: integral cuts
        }
        byte[] same = new byte[g.numNodes()];
        java.util.Arrays.fill(same, (byte) 1);
        assertEquals(0.0, g.cut(same));
        assertEquals(g.totalWeight(), ising.energy(same), 1e-9);
    }

    @Test
    void everySharedGsetInstanceMatchesItsListedSize() throws IOException {
        Path dir = IoTesting.shared("gset");
        assumeTrue(dir != null, "skipped: " + IoTesting.SHARED_DATA + "/gset is absent");
        List<String> rows = Files.readAllLines(dir.resolve("best-known.csv"));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            MaxCutInstance g = GsetFormat.read(dir.resolve(f[0] + ".txt"));
            assertEquals(Integer.parseInt(f[1]), g.numNodes(), f[0]);
            assertEquals(Integer.parseInt(f[2]), g.numEdges(), f[0]);
            checkCutIdentity(g, 11);
        }
    }

    @Test
    void cutRejectsBadStates() throws IOException {
        MaxCutInstance g = parse("2 1\n1 2 1\n");
        assertThrows(IllegalArgumentException.class, () -> g.cut(new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> g.cut(new byte[] {1, 0}));
        assertEquals(1.0, g.cut(new byte[] {1, -1}));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "empty | \"\" | 1 | empty file",
                "blank only | \"\n\n\" | 1 | empty file",
                "header columns | \"3\n\" | 1 | found 1 columns",
                "header text | \"three 1\n1 2 1\n\" | 1 | 'three' is not an integer",
                "negative n | \"-3 0\n\" | 1 | -3 is out of range",
                "absurd n | \"999999999999 0\n\" | 1 | out of range",
                "negative m | \"3 -1\n\" | 1 | -1 is out of range",
                "truncated | \"3 3\n1 2 1\n2 3 1\n\" | 3 | file ends after 2 of the 3 edges",
                "extra line | \"3 1\n1 2 1\n2 3 1\n\" | 3 | extra line after the 1 edges",
                "two columns | \"3 1\n1 2\n\" | 2 | found 2 columns",
                "four columns | \"3 1\n1 2 1 4\n\" | 2 | found 4 columns",
                "bad weight | \"3 1\n1 2 x1\n\" | 2 | 'x1' is not a finite decimal",
                "NaN | \"3 1\n1 2 NaN\n\" | 2 | 'NaN' is not a finite decimal",
                "infinity | \"3 1\n1 2 Infinity\n\" | 2 | 'Infinity' is not",
                "overflow | \"3 1\n1 2 1e400\n\" | 2 | too large",
                "beyond float | \"3 1\n1 2 1e39\n\" | 2 | too large",
                "zero index | \"3 1\n0 2 1\n\" | 2 | node index 0 is out of range [1, 3]",
                "index above n | \"3 1\n1 4 1\n\" | 2 | node index 4 is out of range [1, 3]",
                "fractional index | \"3 1\n1.0 2 1\n\" | 2 | '1.0' is not an integer",
                "self-loop | \"3 1\n2 2 1\n\" | 2 | self-loop",
            })
    void malformedFilesAreRejectedWithFileAndLine(
            String label, String text, int line, String fragment) {
        FormatException e = assertFormatError(() -> parse(text), "t.txt", line, fragment);
        if (!text.isBlank() && line > 0) {
            // the offending text is quoted, except for end-of-file complaints
            String[] lines = text.split("\n");
            if (line <= lines.length && !fragment.startsWith("file ends")) {
                assertEquals(
                        true, e.getMessage().endsWith("(" + lines[line - 1] + ")"), e.getMessage());
            }
        }
    }

    @Test
    void blankLinesAndCrLfAreAccepted() throws IOException {
        MaxCutInstance g = parse("3 2  \r\n\r\n1 2 1\r\n 2\t3  -1 \r\n\n");
        assertEquals(2, g.numEdges());
        assertEquals(0.0, g.totalWeight());
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(
                java.nio.file.NoSuchFileException.class,
                () -> GsetFormat.read(Path.of("/nonexistent/G99.txt")));
    }
}
