package dev.qama.core.io;

import java.util.Arrays;

/**
 * The (i, j, value) entries of a matrix file with the line each came from, i ≤ j after
 * normalisation; finds duplicate pairs so readers can reject them with both line numbers.
 */
final class Entries {
    private final int n;
    int size;
    int[] is;
    int[] js;
    double[] values;
    int[] lines;

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
}
