package dev.qama.bench.train;

import dev.qama.core.spi.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded, stratified splits and shuffles (Fisher–Yates with {@link SplittableRandom}). */
public final class Split {
    private Split() {}

    /**
     * Splits the indices 0..n−1 by class: of each class, a share {@code testFraction} (rounded to
     * the nearest integer, at least one when the class has two or more members) goes to the test
     * side. Both sides are then shuffled. Same seed, same split.
     *
     * @return {train indices, test indices}
     */
    public static int[][] stratified(int[] labels, int classes, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException(
                    "test fraction must be in (0, 1), got " + testFraction);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int[] members = byClass.get(c).stream().mapToInt(Integer::intValue).toArray();
            shuffle(members, Seeds.forStream(seed, c));
            int nTest = (int) Math.round(members.length * testFraction);
            if (members.length >= 2) {
                nTest = Math.max(1, Math.min(members.length - 1, nTest));
            }
            for (int k = 0; k < members.length; k++) {
                (k < nTest ? test : train).add(members[k]);
            }
        }
        int[] tr = train.stream().mapToInt(Integer::intValue).toArray();
        int[] te = test.stream().mapToInt(Integer::intValue).toArray();
        shuffle(tr, Seeds.forStream(seed, classes));
        shuffle(te, Seeds.forStream(seed, classes + 1L));
        return new int[][] {tr, te};
    }

    /**
     * A balanced subset of exactly min(max, n) indices: each class shuffled with its own seeded
     * stream, then the classes taken in turns (round-robin) until {@code max} indices are taken;
     * the result is shuffled.
     */
    public static int[] stratifiedSubset(int[] labels, int classes, int max, long seed) {
        List<int[]> members = new ArrayList<>();
        int[] counts = new int[classes];
        for (int l : labels) {
            counts[l]++;
        }
        for (int c = 0; c < classes; c++) {
            members.add(new int[counts[c]]);
        }
        int[] fill = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            members.get(labels[i])[fill[labels[i]]++] = i;
        }
        for (int c = 0; c < classes; c++) {
            shuffle(members.get(c), Seeds.forStream(seed, c));
        }
        int take = Math.min(max, labels.length);
        int[] out = new int[take];
        int k = 0;
        for (int round = 0; k < take; round++) {
            for (int c = 0; c < classes && k < take; c++) {
                if (round < members.get(c).length) {
                    out[k++] = members.get(c)[round];
                }
            }
        }
        shuffle(out, Seeds.forStream(seed, classes));
        return out;
    }

    /** Shuffles {@code a} in place with a generator seeded by {@code seed}. */
    public static void shuffle(int[] a, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** 0..n−1 in a seeded random order. */
    public static int[] permutation(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(a, seed);
        return a;
    }
}
