package dev.qama.core.io;

import dev.qama.core.model.BinaryQuadraticModel;
import java.io.IOException;
import java.io.Reader;
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
        LineReader in = new LineReader(reader, source, false);
        if (!in.next()) {
            throw new FormatException(in.source(), 1, "empty file; expected a header line 'n m'");
        }
        in.expectTokens("a header 'n m'", 2);
        int n = in.intToken(0, "variable count n", 0, FormatException.MAX_VARIABLES);
        int m = Entries.readCount(in, 1, n);
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
        entries.requireComplete(in, m, " (ambiguous; list each once)");
        return entries.toBinaryModel(in.source(), 2.0, 0);
    }
}
