package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.spi.Seeds;

/**
 * The validated inputs of one forward pass of {@link QamaAttentionBlock}. The mask's shape is
 * checked by {@link #parse}; its values reach the host with Q, K, V and e in the pass's download
 * ({@link Host#copyOut}; {@link #maskTensor()}, then {@link #readMask}), and the logit offsets the
 * output modes need are derived from it on the device ({@link #open}).
 */
final class Inputs {
    /** How the mask's values are read. */
    private enum MaskKind {
        /** (B, N) keep flags, one per key token. */
        TOKENS,
        /** (B, N, N) keep flags per (query, key). */
        PAIRS,
        /** (B, 1 or H, N, N) additive offsets: 0 keep, ≤ −1 drop. */
        OFFSETS
    }

    final NDArray keys;
    final NDArray queries;
    final NDArray values;
    final int batch;
    final int tokens;

    /** The mask as given, or null. */
    private final NDArray mask;

    /** The mask as float32, detached and owned by the pass's manager; see {@link #maskTensor}. */
    private NDArray maskValues;

    private final MaskKind maskKind;

    /** [b][j]: key token j of batch element b can never be selected. Set by {@link #readMask}. */
    boolean[][] maskedTokens;

    /**
     * (B, N, N) keep flags per (query, key), or null when every query keeps the same keys. Set by
     * {@link #readMask}.
     */
    boolean[] pairKeep;

    /**
     * Per batch element, a hash of that element's own keep flags: 0 when it keeps every pair (or
     * there is no mask), so an input's hash never depends on the other elements of its batch. Set
     * by {@link #readMask}.
     */
    long[] elementHash;

    /** Whether some query row may see no key at all. Set by {@link #readMask}. */
    boolean emptyRow;

    private Inputs(
            NDArray keys,
            NDArray queries,
            NDArray values,
            int batch,
            int tokens,
            NDArray mask,
            MaskKind maskKind) {
        this.keys = keys;
        this.queries = queries;
        this.values = values;
        this.batch = batch;
        this.tokens = tokens;
        this.mask = mask;
        this.maskKind = maskKind;
        if (mask == null) {
            maskedTokens = new boolean[batch][tokens];
            elementHash = new long[batch];
        }
    }

    /**
     * The token mask as qama-core's {@link dev.qama.core.formulation.AttentionInputs} wants it:
     * [B·N] row-major, true = never selected; null when no token is masked.
     */
    boolean[] flatMask() {
        boolean[] flat = new boolean[batch * tokens];
        boolean any = false;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < tokens; j++) {
                flat[b * tokens + j] = maskedTokens[b][j];
                any |= maskedTokens[b][j];
            }
        }
        return any ? flat : null;
    }

    /**
     * The mask to copy to the host with the pass's other arrays (float32, detached), or null
     * without a mask; its values go to {@link #readMask}. The arrays derived from it belong to
     * {@code pass} (the manager of the pass's projections), not to the caller's mask manager.
     */
    NDArray maskTensor(NDManager pass) {
        if (mask != null && maskValues == null) {
            NDArray alias = mask.stopGradient();
            alias.attach(pass);
            maskValues = alias.toType(DataType.FLOAT32, false);
        }
        return maskValues;
    }

    /**
     * Reads the mask's values (those of {@link #maskTensor()}, row-major): checks them and sets
     * {@link #maskedTokens}, {@link #pairKeep}, {@link #elementHash} and {@link #emptyRow}. Does
     * nothing without a mask.
     *
     * @throws IllegalArgumentException naming a value that is not a keep flag or an offset
     */
    void readMask(float[] m) {
        if (mask == null) {
            return;
        }
        Shape ms = mask.getShape();
        boolean[][] masked = new boolean[batch][tokens];
        long[] hash = new long[batch];
        boolean[] keep = null;
        if (maskKind == MaskKind.TOKENS) {
            checkFlags(m, ms);
            // one flag per token: no (N, N) array
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < tokens; j++) {
                    masked[b][j] = m[b * tokens + j] == 0f;
                }
                hash[b] = tokenHash(masked[b]);
            }
        } else {
            boolean[] pairs = pairs(maskKind, ms, m, batch, tokens);
            boolean differs = false;
            for (int b = 0; b < batch; b++) {
                boolean own = false; // this element's queries keep different keys
                for (int j = 0; j < tokens; j++) {
                    boolean any = false;
                    for (int i = 0; i < tokens; i++) {
                        any |= pairs[(b * tokens + i) * tokens + j];
                    }
                    masked[b][j] = !any;
                    for (int i = 0; i < tokens; i++) {
                        own |= pairs[(b * tokens + i) * tokens + j] != any;
                    }
                }
                differs |= own;
                // an element whose queries all keep the same keys hashes as the (B, N) form
                hash[b] = own ? pairHash(pairs, b, tokens) : tokenHash(masked[b]);
            }
            if (differs) {
                keep = pairs;
            }
        }
        boolean empty = false;
        int rows = keep == null ? 1 : tokens;
        for (int b = 0; b < batch && !empty; b++) {
            for (int r = 0; r < rows && !empty; r++) {
                boolean any = false;
                for (int j = 0; j < tokens && !any; j++) {
                    any = !masked[b][j] && (keep == null || keep[(b * tokens + r) * tokens + j]);
                }
                empty = !any;
            }
        }
        maskedTokens = masked;
        pairKeep = keep;
        elementHash = hash;
        emptyRow = empty;
    }

    /**
     * Which (query row, key) pairs the mask allows, as logit offsets 0 (allowed) or −1e9, shape (B,
     * 1, R, N) with R = 1 when every query keeps the same keys ({@link #pairKeep} null) and R = N
     * otherwise; derived on the device from the mask (no upload). Null without a mask (every offset
     * would be 0). Needs {@link #readMask} first.
     *
     * @param manager the pass's manager
     */
    NDArray open(NDManager manager) {
        if (mask == null) {
            return null;
        }
        int rows = pairKeep == null ? 1 : tokens;
        Shape shape = new Shape(batch, 1, rows, tokens);
        NDArray m = maskTensor(manager);
        NDArray keep; // 1 keep, 0 drop
        if (maskKind == MaskKind.TOKENS) {
            keep = m;
        } else {
            NDArray pairs = // (B, N, N)
                    maskKind == MaskKind.PAIRS
                            ? m
                            : m.gt(-1f).toType(DataType.FLOAT32, false).max(new int[] {1});
            // a key no query keeps is masked for all; otherwise a row keeps its own keys
            keep = rows == 1 ? pairs.max(new int[] {1}) : pairs;
        }
        // 1 → 0, 0 → −1e9 (both exact in float)
        return keep.sub(1f).mul(1e9f).reshape(shape);
    }

    static Inputs parse(NDList inputs, int embeddingSize, int heads) {
        int n = inputs.size();
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException(
                    "QamaAttentionBlock expects 1 to 4 inputs ([X], [X, mask], [K, Q, V],"
                            + " [K, Q, V, mask]), got "
                            + n);
        }
        NDArray k;
        NDArray q;
        NDArray v;
        if (n < 3) {
            k = checkEmbedding(inputs.get(0), "X", embeddingSize);
            q = k;
            v = k;
        } else {
            k = checkEmbedding(inputs.get(0), "keys", embeddingSize);
            q = checkEmbedding(inputs.get(1), "queries", embeddingSize);
            v = checkEmbedding(inputs.get(2), "values", embeddingSize);
            if (!q.getShape().equals(k.getShape()) || !v.getShape().equals(k.getShape())) {
                throw new IllegalArgumentException(
                        "QamaAttentionBlock needs keys, queries and values of one shape (B, N, E),"
                                + " as many queries as keys (one QUBO per token set); got keys "
                                + k.getShape()
                                + ", queries "
                                + q.getShape()
                                + ", values "
                                + v.getShape());
            }
        }
        int batch = (int) k.getShape().get(0);
        int tokens = (int) k.getShape().get(1);
        if (tokens < 1 || batch < 1) {
            throw new IllegalArgumentException(
                    "QamaAttentionBlock needs at least one batch element and one token, got shape "
                            + k.getShape());
        }
        NDArray mask = null;
        MaskKind kind = null;
        if (n == 2 || n == 4) {
            mask = inputs.get(n - 1);
            kind = kind(mask.getShape(), batch, tokens, heads);
        }
        return new Inputs(k, q, v, batch, tokens, mask, kind);
    }

    /** Whether the pass has an attention mask. */
    boolean hasMask() {
        return mask != null;
    }

    /** Hash of the masked tokens of one element: 0 when none is masked. */
    private static long tokenHash(boolean[] masked) {
        long h = 0;
        for (int j = 0; j < masked.length; j++) {
            if (masked[j]) {
                h = Seeds.mix(h + 0x9e3779b97f4a7c15L * (j + 1));
            }
        }
        return h;
    }

    /** Hash of the dropped (query, key) pairs of element b (never 0 in practice). */
    private static long pairHash(boolean[] keep, int b, int tokens) {
        long h = 0x7061697273L; // "pairs": apart from every token hash
        int nn = tokens * tokens;
        for (int p = 0; p < nn; p++) {
            if (!keep[b * nn + p]) {
                h = Seeds.mix(h + 0x9e3779b97f4a7c15L * (p + 1));
            }
        }
        return h;
    }

    /** A keep-flag mask ((B, N) or (B, N, N)) must hold only 0 (drop) and 1 (keep). */
    private static void checkFlags(float[] m, Shape s) {
        for (int p = 0; p < m.length; p++) {
            if (m[p] != 0f && m[p] != 1f) {
                throw new IllegalArgumentException(
                        "QamaAttentionBlock: an attention mask of shape "
                                + s
                                + " holds keep flags, 1 = keep and 0 = drop; got "
                                + m[p]
                                + " at flat index "
                                + p);
            }
        }
    }

    private static NDArray checkEmbedding(NDArray x, String name, int embeddingSize) {
        Shape s = x.getShape();
        if (s.dimension() != 3 || s.get(2) != embeddingSize) {
            throw new IllegalArgumentException(
                    "QamaAttentionBlock input '"
                            + name
                            + "' must have shape (B, N, E="
                            + embeddingSize
                            + "), got "
                            + s);
        }
        return x;
    }

    /** The kind of a mask of shape {@code s}, or an error naming the shapes accepted. */
    private static MaskKind kind(Shape s, int batch, int tokens, int heads) {
        if (s.dimension() == 2 && s.get(0) == batch && s.get(1) == tokens) {
            return MaskKind.TOKENS;
        }
        if (s.dimension() == 3 && s.get(0) == batch && s.get(1) == tokens && s.get(2) == tokens) {
            return MaskKind.PAIRS;
        }
        if (s.dimension() == 4
                && s.get(0) == batch
                && (s.get(1) == 1 || s.get(1) == heads)
                && s.get(2) == tokens
                && s.get(3) == tokens) {
            return MaskKind.OFFSETS;
        }
        throw new IllegalArgumentException(
                "QamaAttentionBlock: the attention mask must have shape (B, N), (B, N, N) or"
                        + " (B, 1 or H, N, N) with B="
                        + batch
                        + ", N="
                        + tokens
                        + ", H="
                        + heads
                        + "; got "
                        + s);
    }

    /** Keep flags (B, N, N) from a mask of shape (B, N, N) or (B, 1|H, N, N). */
    private static boolean[] pairs(MaskKind kind, Shape s, float[] m, int batch, int tokens) {
        boolean[] keep = new boolean[batch * tokens * tokens];
        int nn = tokens * tokens;
        if (kind == MaskKind.PAIRS) {
            checkFlags(m, s);
            for (int p = 0; p < keep.length; p++) {
                keep[p] = m[p] == 1f;
            }
        } else {
            // additive offsets (0 keep, large negative drop); a pair is kept if any head keeps it
            for (int p = 0; p < m.length; p++) {
                if (!(m[p] == 0f || m[p] <= -1f)) {
                    throw new IllegalArgumentException(
                            "QamaAttentionBlock: a 4-D attention mask of shape "
                                    + s
                                    + " holds additive offsets, 0 = keep and a large negative"
                                    + " value (<= -1, DJL uses -1e5 or -inf) = drop; got "
                                    + m[p]
                                    + " at flat index "
                                    + p);
                }
            }
            int h = (int) s.get(1);
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < h; t++) {
                    for (int p = 0; p < nn; p++) {
                        keep[b * nn + p] |= m[(b * h + t) * nn + p] > -1f;
                    }
                }
            }
        }
        return keep;
    }
}
