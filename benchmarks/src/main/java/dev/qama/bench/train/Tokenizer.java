package dev.qama.bench.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A simple word-piece tokenizer: lower-cased runs of letters or digits (other characters separate
 * words), each word cut into pieces of at most {@value #PIECE} characters; the vocabulary is the
 * most frequent pieces of the training split (ties by first appearance), id 0 = padding, 1 =
 * unknown.
 */
public final class Tokenizer {
    /** Longest piece. */
    public static final int PIECE = 8;

    /** Padding id. */
    public static final int PAD = 0;

    /** Unknown-piece id. */
    public static final int UNK = 1;

    private final Map<String, Integer> ids;

    private Tokenizer(Map<String, Integer> ids) {
        this.ids = ids;
    }

    /** The pieces of a text. */
    public static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        String t = text.toLowerCase(Locale.ROOT);
        int i = 0;
        int n = t.length();
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(t.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && Character.isLetterOrDigit(t.charAt(i))) {
                i++;
            }
            for (int p = start; p < i; p += PIECE) {
                out.add(t.substring(p, Math.min(i, p + PIECE)));
            }
        }
        return out;
    }

    /** A vocabulary of at most {@code size} ids (the two special ids included). */
    public static Tokenizer fit(List<String> texts, int size) {
        Map<String, int[]> counts = new HashMap<>(); // piece -> {count, first}
        int order = 0;
        for (String text : texts) {
            for (String p : pieces(text)) {
                int[] c = counts.get(p);
                if (c == null) {
                    counts.put(p, new int[] {1, order++});
                } else {
                    c[0]++;
                }
            }
        }
        List<Map.Entry<String, int[]>> e = new ArrayList<>(counts.entrySet());
        e.sort(
                (a, b) ->
                        a.getValue()[0] != b.getValue()[0]
                                ? Integer.compare(b.getValue()[0], a.getValue()[0])
                                : Integer.compare(a.getValue()[1], b.getValue()[1]));
        Map<String, Integer> ids = new HashMap<>();
        for (int k = 0; k < e.size() && ids.size() < size - 2; k++) {
            ids.put(e.get(k).getKey(), ids.size() + 2);
        }
        return new Tokenizer(ids);
    }

    /** Vocabulary size including the special ids. */
    public int size() {
        return ids.size() + 2;
    }

    /**
     * The first {@code length} ids of a text, padded with {@link #PAD}; an empty text becomes one
     * {@link #UNK} so that every example has a token to attend to.
     */
    public int[] encode(String text, int length) {
        int[] out = new int[length];
        Arrays.fill(out, PAD);
        int k = 0;
        for (String p : pieces(text)) {
            if (k == length) {
                break;
            }
            out[k++] = ids.getOrDefault(p, UNK);
        }
        if (k == 0) {
            out[0] = UNK;
        }
        return out;
    }
}
