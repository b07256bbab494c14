package dev.qama.core.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the G-set / rudy Max-Cut format: a header line {@code n m}, then exactly m lines {@code i j
 * w}, one per edge, with 1-based node indices i ≠ j and a weight w (in the G-set, w ∈ {+1, −1}).
 * Blank lines are ignored; anything else that does not fit (a count that disagrees with the edge
 * lines, a bad number, an index out of [1, n], a self-loop) is a {@link FormatException}. Parallel
 * edges are kept (their weights add up in the Ising model).
 */
public final class GsetFormat {
    private GsetFormat() {}

    /**
     * Reads a file (UTF-8 or ASCII); the instance is named after the file without its extension.
     *
     * @throws FormatException if the file is malformed (message {@code FILE:LINE: ...})
     * @throws IOException if the file cannot be read
     */
    public static MaxCutInstance read(Path path) throws IOException {
        try (Reader r = LineReader.open(path)) {
            return read(r, LineReader.sourceName(path));
        }
    }

    /**
     * Reads from a reader (not closed); {@code source} names the input in error messages and,
     * without its extension, names the instance.
     *
     * @throws FormatException if the input is malformed
     * @throws IOException if reading fails
     */
    public static MaxCutInstance read(Reader reader, String source) throws IOException {
        LineReader in = new LineReader(reader, source, false);
        if (!in.next()) {
            throw new FormatException(in.source(), 1, "empty file; expected a header line 'n m'");
        }
        in.expectTokens("a header 'n m'", 2);
        int n = in.intToken(0, "node count n", 0, FormatException.MAX_VARIABLES);
        int m = in.intToken(1, "edge count m", 0, Integer.MAX_VALUE - 8);
        int cap = Math.min(m, 1 << 16);
        int[] us = new int[cap];
        int[] vs = new int[cap];
        double[] ws = new double[cap];
        int count = 0;
        while (in.next()) {
            if (count == m) {
                throw in.error("extra line after the " + m + " edges announced in the header");
            }
            in.expectTokens("an edge 'i j w'", 3);
            int i = in.intToken(0, "node index", 1, n);
            int j = in.intToken(1, "node index", 1, n);
            if (i == j) {
                throw in.error("self-loop on node " + i + " (i == j) is not a Max-Cut edge");
            }
            double w = in.numberToken(2, "edge weight", 1);
            if (count == us.length) {
                int grown = (int) Math.min(m, 2L * us.length + 1);
                us = Arrays.copyOf(us, grown);
                vs = Arrays.copyOf(vs, grown);
                ws = Arrays.copyOf(ws, grown);
            }
            us[count] = i - 1;
            vs[count] = j - 1;
            ws[count] = w;
            count++;
        }
        if (count < m) {
            throw in.errorAtEnd(
                    "file ends after "
                            + count
                            + " of the "
                            + m
                            + " edges announced in the header (truncated?)");
        }
        String name = LineReader.baseName(in.source());
        try {
            return MaxCutInstance.of(name, n, us, vs, ws);
        } catch (IllegalArgumentException e) {
            throw new FormatException(in.source(), 0, e.getMessage(), e);
        }
    }
}
