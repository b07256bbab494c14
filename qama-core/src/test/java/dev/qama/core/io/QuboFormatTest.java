package dev.qama.core.io;

import static dev.qama.core.io.IoTesting.allStates;
import static dev.qama.core.io.IoTesting.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuboFormatTest {

    private static BinaryQuadraticModel parse(String text) throws IOException {
        return QuboFormat.read(new StringReader(text), "t.qubo");
    }

    @Test
    void theDocumentedExampleHasTheDocumentedEnergy() throws IOException {
        String text =
                "# comments run from '#' to the end of the line\n"
                        + "\n"
                        + "qubo 3 4          # header\n"
                        + "offset 1.5\n"
                        + "0 0 -1\n"
                        + "0 1 2.5\n"
                        + "1 2 -0.75\n"
                        + "2 2 0.5   # trailing comment\n";
        BinaryQuadraticModel m = parse(text);
        assertEquals(Vartype.BINARY, m.vartype());
        assertEquals(3, m.numVariables());
        assertEquals(1.5, m.offset());
        for (byte[] x : allStates(3, (byte) 0)) {
            double e = 1.5 - x[0] + 2.5 * x[0] * x[1] - 0.75 * x[1] * x[2] + 0.5 * x[2];
            assertEquals(e, m.energy(x), 1e-12);
        }
    }

    @Test
    void roundTripKeepsEveryCoefficient() throws IOException {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 9;
        float[] h = new float[n];
        float[] j = new float[n * n];
        SparseCoupling.Builder sb = SparseCoupling.builder(n);
        for (int i = 0; i < n; i++) {
            h[i] = i % 3 == 0 ? 0f : (float) rnd.nextGaussian();
            for (int k = i + 1; k < n; k++) {
                if (rnd.nextInt(3) > 0) {
                    float v = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-6, 7)));
                    j[i * n + k] = v;
                    j[k * n + i] = v;
                    sb.add(i, k, v);
                }
            }
        }
        BinaryQuadraticModel dense =
                BinaryQuadraticModel.of(
                        Vartype.BINARY, h, DenseCoupling.ofSymmetric(n, j), -2.25e-3);
        BinaryQuadraticModel sparse = BinaryQuadraticModel.of(Vartype.BINARY, h, sb.build(), 7);
        for (BinaryQuadraticModel m : new BinaryQuadraticModel[] {dense, sparse}) {
            StringWriter w = new StringWriter();
            QuboFormat.write(m, w);
            BinaryQuadraticModel back = parse(w.toString());
            assertEquals(m.offset(), back.offset());
            for (int i = 0; i < n; i++) {
                assertEquals(m.linear(i), back.linear(i));
                for (int k = 0; k < n; k++) {
                    assertEquals(m.coupling().get(i, k), back.coupling().get(i, k));
                }
            }
        }
    }

    @Test
    void spinModelsAreWrittenAsTheirBinaryEquivalent(@TempDir Path dir) throws IOException {
        SparseCoupling c =
                SparseCoupling.builder(4).add(0, 1, 1).add(1, 2, -2).add(2, 3, 3).build();
        BinaryQuadraticModel spin =
                BinaryQuadraticModel.of(Vartype.SPIN, new float[] {0.5f, 0, -1, 0}, c, 0.25);
        Path file = dir.resolve("spin.qubo");
        QuboFormat.write(spin, file);
        BinaryQuadraticModel back = QuboFormat.read(file);
        assertEquals(Vartype.BINARY, back.vartype());
        for (byte[] x : allStates(4, (byte) 0)) {
            byte[] s = BinaryQuadraticModel.convertState(x, Vartype.BINARY, Vartype.SPIN);
            assertEquals(spin.energy(s), back.energy(x), 1e-9);
        }
    }

    @Test
    void emptyModelRoundTrips() throws IOException {
        StringWriter w = new StringWriter();
        QuboFormat.write(
                BinaryQuadraticModel.of(
                        Vartype.BINARY, new float[0], SparseCoupling.builder(0).build(), 3),
                w);
        assertTrue(w.toString().contains("qubo 0 0\n"), w.toString());
        BinaryQuadraticModel back = parse(w.toString());
        assertEquals(0, back.numVariables());
        assertEquals(3.0, back.energy(new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "empty | \"\" | 1 | empty file",
                "comments only | \"# nothing\n\" | 1 | empty file",
                "no magic | \"3 1\n0 0 1\n\" | 1 | expected the header 'qubo n m'",
                "header columns | \"qubo 3\n\" | 1 | found 2 columns",
                "negative n | \"qubo -2 0\n\" | 1 | -2 is out of range",
                "too many entries | \"qubo 1 2\n\" | 1 | 2 is out of range [0, 1]",
                "truncated | \"qubo 3 2\n0 1 1\n\" | 2 | file ends after 1 of the 2 entries",
                "extra | \"qubo 3 1\n0 1 1\n1 2 1\n\" | 3 | extra entry after the 1",
                "columns | \"qubo 3 1\n0 1\n\" | 2 | found 2 columns",
                "index n | \"qubo 3 1\n0 3 1\n\" | 2 | index j 3 is out of range [0, 2]",
                "negative index | \"qubo 3 1\n-1 2 1\n\" | 2 | index i -1 is out of range",
                "lower triangle | \"qubo 3 1\n2 1 1\n\" | 2 | below the diagonal",
                "bad number | \"qubo 3 1\n0 1 0x10\n\" | 2 | '0x10' is not a finite decimal",
                "nan | \"qubo 3 1\n0 1 NaN\n\" | 2 | 'NaN' is not a finite decimal",
                "infinite offset | \"qubo 3 0\noffset 1e999\n\" | 2 | too large",
                "two offsets | \"qubo 3 0\noffset 1\noffset 2\n\" | 3 | the first is line 2",
                "offset columns | \"qubo 3 0\noffset\n\" | 2 | found 1 columns",
                "duplicate | \"qubo 3 2\n0 1 1\n0 1 2\n\" | 3 | repeats the pair of line 2",
            })
    void malformedFilesAreRejectedWithFileAndLine(
            String label, String text, int line, String fragment) {
        assertFormatError(() -> parse(text), "t.qubo", line, fragment);
    }
}
