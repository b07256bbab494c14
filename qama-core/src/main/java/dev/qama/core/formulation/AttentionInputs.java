package dev.qama.core.formulation;

/**
 * The projected queries, keys and values of one QAMA layer call, with an optional token mask.
 *
 * <p>Dimensions: B batch elements, H heads, N tokens, d per-head width. {@code q}, {@code k} and
 * {@code v} are [B, H, N, d] row-major: entry (b, t, i, a) is at {@code ((b·H + t)·N + i)·d + a}.
 * {@code mask} is [B, N] row-major ({@code mask[b·N + i]}), {@code true} meaning that token i of
 * batch element b is masked (for example padding) and can never be selected; {@code null} means no
 * token is masked.
 *
 * <p>The arrays are not copied (the layer converts its tensors once and hands them over): callers
 * must not modify them while formulations use them.
 *
 * @param batch B ≥ 0
 * @param heads H ≥ 0 (a formulation needs H ≥ 1 to build a problem)
 * @param tokens N ≥ 0
 * @param dim d ≥ 0 (a formulation needs d ≥ 1 to build a problem)
 * @param q queries, length B·H·N·d, all finite
 * @param k keys, length B·H·N·d, all finite
 * @param v values, length B·H·N·d, all finite
 * @param mask length B·N, or null
 */
public record AttentionInputs(
        int batch,
        int heads,
        int tokens,
        int dim,
        float[] q,
        float[] k,
        float[] v,
        boolean[] mask) {

    /**
     * Validates sizes, lengths and finiteness.
     *
     * @throws IllegalArgumentException naming the bad size, the array of the wrong length, or the
     *     array and [b,h,n,a] index of the first NaN or infinite entry
     */
    public AttentionInputs {
        nonNegative(batch, "batch size B");
        nonNegative(heads, "head count H");
        nonNegative(tokens, "token count N");
        nonNegative(dim, "per-head width d");
        long size = (long) batch * heads * tokens * dim;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "B·H·N·d = "
                            + size
                            + " (B="
                            + batch
                            + ", H="
                            + heads
                            + ", N="
                            + tokens
                            + ", d="
                            + dim
                            + ") does not fit in one Java array");
        }
        checkTensor(q, "Q", size, heads, tokens, dim);
        checkTensor(k, "K", size, heads, tokens, dim);
        checkTensor(v, "V", size, heads, tokens, dim);
        if (mask != null && mask.length != (long) batch * tokens) {
            throw new IllegalArgumentException(
                    "mask has length "
                            + mask.length
                            + " but B·N = "
                            + (long) batch * tokens
                            + " (B="
                            + batch
                            + ", N="
                            + tokens
                            + ") was expected");
        }
    }

    private static void nonNegative(int value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + value);
        }
    }

    private static void checkTensor(float[] x, String name, long size, int h, int n, int d) {
        if (x == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (x.length != size) {
            throw new IllegalArgumentException(
                    name + " has length " + x.length + " but B·H·N·d = " + size + " was expected");
        }
        if (allFinite(x)) {
            return;
        }
        for (int p = 0; p < x.length; p++) {
            if (!Float.isFinite(x[p])) {
                int a = p % d;
                int i = (p / d) % n;
                int t = (p / d / n) % h;
                int b = p / d / n / h;
                throw new IllegalArgumentException(
                        name
                                + "[b="
                                + b
                                + ", h="
                                + t
                                + ", n="
                                + i
                                + ", a="
                                + a
                                + "] must be finite, got "
                                + x[p]);
            }
        }
    }

    /**
     * Whether every entry of {@code x} is finite, or (rarely) false for finite entries whose sum
     * overflows: the caller then scans entry by entry. A NaN or infinity makes a partial sum NaN or
     * infinite, and so it stays (inf + finite = inf, inf − inf = NaN), so one check of the total
     * after the loop does; sixteen entries a pass into eight independent sums, without a branch per
     * entry, is about twice as fast as the scan with one (docs/benchmarks.md, "Host work of the
     * forward").
     */
    private static boolean allFinite(float[] x) {
        int n = x.length;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int p = 0;
        for (; p + 15 < n; p += 16) {
            s0 += x[p] + x[p + 8];
            s1 += x[p + 1] + x[p + 9];
            s2 += x[p + 2] + x[p + 10];
            s3 += x[p + 3] + x[p + 11];
            s4 += x[p + 4] + x[p + 12];
            s5 += x[p + 5] + x[p + 13];
            s6 += x[p + 6] + x[p + 14];
            s7 += x[p + 7] + x[p + 15];
        }
        for (; p < n; p++) {
            s0 += x[p];
        }
        float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        return s - s == 0; // false for NaN and ±infinity
    }

    /** The offset of row (b, t, 0, 0) of Q, K or V: {@code (b·H + t)·N·d}. */
    public int headOffset(int b, int head) {
        return (b * heads + head) * tokens * dim;
    }

    /** Whether token i of batch element b is masked. */
    public boolean isMasked(int b, int token) {
        return mask != null && mask[b * tokens + token];
    }

    /** The number of tokens of batch element b that are not masked (N without a mask). */
    public int activeTokens(int b) {
        checkBatchIndex(b);
        if (mask == null) {
            return tokens;
        }
        int n = 0;
        for (int i = b * tokens, end = i + tokens; i < end; i++) {
            n += mask[i] ? 0 : 1;
        }
        return n;
    }

    /** The mask of batch element b as a fresh length-N array (all false without a mask). */
    public boolean[] maskOf(int b) {
        checkBatchIndex(b);
        boolean[] out = new boolean[tokens];
        if (mask != null) {
            System.arraycopy(mask, b * tokens, out, 0, tokens);
        }
        return out;
    }

    /** Requires 0 ≤ b &lt; B. */
    public void checkBatchIndex(int b) {
        if (b < 0 || b >= batch) {
            throw new IllegalArgumentException(
                    "batch index " + b + " is out of range [0, " + batch + ")");
        }
    }
}
