package dev.qama.core.io;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.util.Arrays;

/**
 * The (i, j, value) entries of a matrix file with the line each came from, i ≤ j after
 * normalisation; finds duplicate pairs so readers can reject them with both line numbers, and turns
 * the entries into a BINARY model (the part the BiqMac and QUBO readers share).
 */
final class Entries {
    private final int n;
    int size;
    int[] is;
    int[] js;
    double[] values;
    int[] lines;

    /**
     * Reads the entry count m announced by token {@code token} of a header: at most the n(n+1)/2
     * distinct entries of an n×n matrix.
     */
    static int readCount(LineReader in, int token, int n) {
        long maxEntries = Math.min((long) n * (n + 1) / 2, Integer.MAX_VALUE - 8L);
        return in.intToken(
                token, "entry count m (at most n(n+1)/2 distinct entries)", 0, maxEntries);
    }

    Entries(int n, int expected) {
        this.n = n;
        int cap = Math.max(1, Math.min(expected, 1 << 16));
        is = new int[cap];
        js = new int[cap];
        values = new double[cap];
        lines = new int[cap];
    }

    void add(int i, int j, double value, int line) {
        if (size == is.length) {
            int grown = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * size);
            is = Arrays.copyOf(is, grown);
            js = Arrays.copyOf(js, grown);
            values = Arrays.copyOf(values, grown);
            lines = Arrays.copyOf(lines, grown);
        }
        is[size] = Math.min(i, j);
        js[size] = Math.max(i, j);
        values[size] = value;
        lines[size] = line;
        size++;
    }

    private long key(int k) {
        return (long) is[k] * n + js[k];
    }

    /**
     * The first duplicate pair as {@code {earlierLine, laterLine}} (in file order), or null if
     * every pair is listed once.
     */
    int[] firstDuplicate() {
        long[] keys = new long[size];
        for (int k = 0; k < size; k++) {
            keys[k] = key(k);
        }
        Arrays.sort(keys);
        long dup = -1;
        for (int k = 1; k < size; k++) {
            if (keys[k] == keys[k - 1]) {
                dup = keys[k];
                break;
            }
        }
        if (dup < 0) {
            return null;
        }
        // rare error path: find the two entries of some duplicated key with the earliest
        // second occurrence
        java.util.HashMap<Long, Integer> firstLine = new java.util.HashMap<>();
        for (int k = 0; k < size; k++) {
            Integer prev = firstLine.putIfAbsent(key(k), lines[k]);
            if (prev != null) {
                return new int[] {prev, lines[k]};
            }
        }
        throw new AssertionError("duplicate key " + dup + " not found again");
    }

    /**
     * Checks the entries once the input is read: all {@code m} announced entries are there and no
     * pair is listed twice ({@code advice} is appended to the duplicate message).
     *
     * @throws FormatException otherwise, at the end of the input or at the repeated entry's line
     */
    void requireComplete(LineReader in, int m, String advice) {
        if (size < m) {
            throw in.errorAtEnd(
                    "file ends after "
                            + size
                            + " of the "
                            + m
                            + " entries announced in the header (truncated?)");
        }
        int[] dup = firstDuplicate();
        if (dup != null) {
            throw new FormatException(
                    in.source(), dup[1], "entry repeats the pair of line " + dup[0] + advice);
        }
    }

    /**
     * The BINARY model with h_i = value of entry (i, i) and J_ij = {@code pairFactor} · value of
     * entry (i, j), i &lt; j.
     *
     * @throws FormatException naming {@code source} if the model cannot be built
     */
    BinaryQuadraticModel toBinaryModel(String source, double pairFactor, double offset) {
        float[] h = new float[n];
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int k = 0; k < size; k++) {
            if (is[k] == js[k]) {
                h[is[k]] = (float) values[k];
            } else {
                b.add(is[k], js[k], pairFactor * values[k]);
            }
        }
        try {
            return BinaryQuadraticModel.of(Vartype.BINARY, h, b.build(), offset);
        } catch (IllegalArgumentException e) {
            throw new FormatException(source, 0, e.getMessage(), e);
        }
    }
}
