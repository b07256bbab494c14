package dev.qama.core.io;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This library's own QUBO text format: readable, diff-able, 0-based, with an exact round trip of
 * the float32 coefficients of a {@link BinaryQuadraticModel}.
 *
 * <pre>
 * # comments run from '#' to the end of the line; blank lines are ignored
 * qubo 3 4          # header: the word "qubo", n variables, m entry lines
 * offset 1.5        # optional, at most once, anywhere after the header (not counted in m)
 * 0 0 -1            # i == j: linear coefficient Q_ii
 * 0 1 2.5           # i &lt; j: pair coefficient Q_ij
 * 1 2 -0.75
 * 2 2 0.5
 * </pre>
 *
 * The model is E(x) = offset + Σ_i Q_ii x_i + Σ_{i&lt;j} Q_ij x_i x_j over x ∈ {0, 1}ⁿ: every
 * listed value appears once in the energy (unlike the BiqMac format, there is no doubling), so as a
 * BINARY {@link BinaryQuadraticModel} h_i = Q_ii and J_ij = Q_ij. Indices are 0-based with 0 ≤ i ≤
 * j &lt; n (upper triangle or diagonal only); numbers are plain decimals (no NaN, no infinity, no
 * hex); each pair appears at most once; exactly m entry lines follow the header, so a truncated
 * file is detected. Any violation is a {@link FormatException}.
 */
public final class QuboFormat {
    /** The first word of the header line. */
    public static final String MAGIC = "qubo";

    private QuboFormat() {}

    /**
     * Reads a file (UTF-8) into a BINARY model.
     *
     * @throws FormatException if the file is malformed (message {@code FILE:LINE: ...})
     * @throws IOException if the file cannot be read
     */
    public static BinaryQuadraticModel read(Path path) throws IOException {
        try (Reader r = LineReader.open(path)) {
            return read(r, LineReader.sourceName(path));
        }
    }

    /**
     * Reads from a reader (not closed) into a BINARY model; {@code source} names the input in error
     * messages.
     *
     * @throws FormatException if the input is malformed
     * @throws IOException if reading fails
     */
    public static BinaryQuadraticModel read(Reader reader, String source) throws IOException {
        LineReader in = new LineReader(reader, source, true);
        if (!in.next()) {
            throw new FormatException(
                    in.source(), 1, "empty file; expected a header line '" + MAGIC + " n m'");
        }
        if (!in.token(0).equals(MAGIC)) {
            throw in.error("expected the header '" + MAGIC + " n m' (is this a qubo file?)");
        }
        in.expectTokens("a header '" + MAGIC + " n m'", 3);
        int n = in.intToken(1, "variable count n", 0, FormatException.MAX_VARIABLES);
        int m = Entries.readCount(in, 2, n);
        Entries entries = new Entries(n, m);
        double offset = 0;
        int offsetLine = 0;
        while (in.next()) {
            if (in.token(0).equals("offset")) {
                if (offsetLine > 0) {
                    throw in.error("second offset line (the first is line " + offsetLine + ")");
                }
                in.expectTokens("'offset value'", 2);
                offset = in.numberToken(1, "offset", 0);
                offsetLine = in.line();
                continue;
            }
            if (entries.size == m) {
                throw in.error("extra entry after the " + m + " announced in the header");
            }
            in.expectTokens("an entry 'i j value'", 3);
            int i = in.intToken(0, "index i", 0, n - 1L);
            int j = in.intToken(1, "index j", 0, n - 1L);
            if (i > j) {
                throw in.error(
                        "entry below the diagonal (i > j); write it as '" + j + " " + i + " ...'");
            }
            double v = in.numberToken(2, "coefficient", 1);
            entries.add(i, j, v, in.line());
        }
        entries.requireComplete(in, m, "");
        return entries.toBinaryModel(in.source(), 1.0, offset);
    }

    /**
     * Writes a model to a file (UTF-8), replacing it. See {@link #write(BinaryQuadraticModel,
     * Writer)}.
     */
    public static void write(BinaryQuadraticModel model, Path path) throws IOException {
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            write(model, w);
        }
    }

    /**
     * Writes a model (not closing the writer): non-zero coefficients row by row, each float32 value
     * in its shortest exact decimal form, so reading the text back gives the same model. A SPIN
     * model is written as its BINARY equivalent ({@link BinaryQuadraticModel#toVartype(Vartype)},
     * exact up to float32 rounding of the converted coefficients).
     */
    public static void write(BinaryQuadraticModel model, Writer writer) throws IOException {
        if (model == null) {
            throw new IllegalArgumentException("model to write is null");
        }
        BinaryQuadraticModel q = model.toVartype(Vartype.BINARY);
        int n = q.numVariables();
        Coupling c = q.coupling();
        long m = 0;
        for (int i = 0; i < n; i++) {
            if (q.linear(i) != 0f) {
                m++;
            }
        }
        m += countPairs(c);
        BufferedWriter out =
                writer instanceof BufferedWriter bw ? bw : new BufferedWriter(writer, 1 << 16);
        out.write(
                "# qama QUBO (docs/formats.md): E(x) = offset + sum_i Q_ii x_i"
                        + " + sum_{i<j} Q_ij x_i x_j, x in {0,1}, 0-based\n");
        out.write(MAGIC + " " + n + " " + m + "\n");
        if (q.offset() != 0) {
            out.write("offset " + q.offset() + "\n");
        }
        for (int i = 0; i < n; i++) {
            if (q.linear(i) != 0f) {
                out.write(i + " " + i + " " + Float.toString(q.linear(i)) + "\n");
            }
            writeRow(c, i, out);
        }
        out.flush();
    }

    private static long countPairs(Coupling c) {
        int n = c.size();
        long m = 0;
        if (c instanceof SparseCoupling s) {
            int[] start = s.rowStart();
            int[] cols = s.columns();
            float[] vals = s.values();
            for (int i = 0; i < n; i++) {
                for (int k = start[i]; k < start[i + 1]; k++) {
                    if (cols[k] > i && vals[k] != 0f) {
                        m++;
                    }
                }
            }
            return m;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if ((float) c.get(i, j) != 0f) {
                    m++;
                }
            }
        }
        return m;
    }

    private static void writeRow(Coupling c, int i, Writer out) throws IOException {
        if (c instanceof SparseCoupling s) {
            int[] start = s.rowStart();
            int[] cols = s.columns();
            float[] vals = s.values();
            for (int k = start[i]; k < start[i + 1]; k++) {
                if (cols[k] > i && vals[k] != 0f) {
                    out.write(i + " " + cols[k] + " " + Float.toString(vals[k]) + "\n");
                }
            }
            return;
        }
        for (int j = i + 1; j < c.size(); j++) {
            float v = (float) c.get(i, j);
            if (v != 0f) {
                out.write(i + " " + j + " " + Float.toString(v) + "\n");
            }
        }
    }
}
