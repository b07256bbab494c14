package dev.qama.core.io;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the BiqMac sparse QUBO format (the Billionnet–Elloumi {@code be*} instances of the BiqMac
 * library, A. Wiegele, "Biq Mac Library", 2007): a header line {@code n m}, then exactly m lines
 * {@code i j q} with 1-based indices; i == j is a diagonal entry.
 *
 * <p>The model is E(x) = xᵀQx over x ∈ {0, 1}ⁿ with Q symmetric: an off-diagonal entry (i, j, q)
 * sets Q_ij = Q_ji = q and so counts twice, a diagonal entry counts once. As a {@link
 * BinaryQuadraticModel} (E = hᵀx + Σ_{i&lt;j} J_ij x_i x_j) that is
 *
 * <pre>
 *   h_i = q_ii          J_ij = 2 q_ij
 * </pre>
 *
 * the convention under which the published best-known values of these instances are minima. A pair
 * listed twice (in either order) is ambiguous and rejected, as is everything else that does not fit
 * the format (see {@link FormatException}).
 */
public final class BiqMacFormat {
    private BiqMacFormat() {}

    /**
     * Reads a file (UTF-8 or ASCII) into a BINARY model.
     *
     * @throws FormatException if the file is malformed (message {@code FILE:LINE: ...})
     * @throws IOException if the file cannot be read
     */
    public static BinaryQuadraticModel read(Path path) throws IOException {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
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
        LineReader in = new LineReader(reader, source, false);
        if (!in.next()) {
            throw new FormatException(in.source(), 1, "empty file; expected a header line 'n m'");
        }
        in.expectTokens("a header 'n m'", 2);
        int n = in.intToken(0, "variable count n", 0, FormatException.MAX_VARIABLES);
        long maxEntries = Math.min((long) n * (n + 1) / 2, Integer.MAX_VALUE - 8L);
        int m = in.intToken(1, "entry count m (at most n(n+1)/2 distinct entries)", 0, maxEntries);
        Entries entries = new Entries(n, m);
        while (in.next()) {
            if (entries.size == m) {
                throw in.error("extra line after the " + m + " entries announced in the header");
            }
            in.expectTokens("an entry 'i j q'", 3);
            int i = in.intToken(0, "row index", 1, n);
            int j = in.intToken(1, "column index", 1, n);
            double q = in.numberToken(2, "coefficient", i == j ? 1 : 2);
            entries.add(i - 1, j - 1, q, in.line());
        }
        if (entries.size < m) {
            throw in.errorAtEnd(
                    "file ends after "
                            + entries.size
                            + " of the "
                            + m
                            + " entries announced in the header (truncated?)");
        }
        int[] dup = entries.firstDuplicate();
        if (dup != null) {
            throw new FormatException(
                    in.source(),
                    dup[1],
                    "entry repeats the pair of line " + dup[0] + " (ambiguous; list each once)");
        }
        float[] h = new float[n];
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int k = 0; k < entries.size; k++) {
            int i = entries.is[k];
            int j = entries.js[k];
            if (i == j) {
                h[i] = (float) entries.values[k];
            } else {
                b.add(i, j, 2.0 * entries.values[k]);
            }
        }
        try {
            return BinaryQuadraticModel.of(Vartype.BINARY, h, b.build(), 0);
        } catch (IllegalArgumentException e) {
            throw new FormatException(in.source(), 0, e.getMessage(), e);
        }
    }
}
