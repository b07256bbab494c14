package dev.qama.djl;

import java.util.Arrays;

/**
 * Names the examples of the batch that the calling thread's next training forward passes run on,
 * for blocks built with {@link QamaAttentionBlock.Builder#optWarmStarts}: such a block starts each
 * example's solve from the selection it found on the previous pass over the same key (an epoch
 * earlier, when the keys are the examples' indices in the training set).
 *
 * <pre>{@code
 * try (SampleKeys ignored = SampleKeys.open(indices)) {     // one key per batch row, in order
 *     NDArray logits = trainer.forward(x).singletonOrThrow();
 * }
 * }</pre>
 *
 * <p>A DJL block cannot see which examples it is given, so the keys travel beside the forward call,
 * on the calling thread (DJL runs a forward pass on the thread that calls it). Scopes nest: closing
 * one restores the keys that were open before it. Without an open scope, or in inference, a block
 * solves from scratch as without warm starts.
 */
public final class SampleKeys implements AutoCloseable {
    private static final ThreadLocal<SampleKeys> CURRENT = new ThreadLocal<>();

    private final long[] keys;
    private final SampleKeys outer;
    private final Thread owner;
    private boolean closed;

    private SampleKeys(long[] keys, SampleKeys outer) {
        this.keys = keys;
        this.outer = outer;
        this.owner = Thread.currentThread();
    }

    /**
     * Opens a scope naming the batch's examples, one key per batch row in order (copied).
     *
     * @throws IllegalArgumentException if {@code keys} is null
     */
    public static SampleKeys open(long... keys) {
        if (keys == null) {
            throw new IllegalArgumentException("SampleKeys.open: keys is null");
        }
        SampleKeys s = new SampleKeys(keys.clone(), CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** Opens a scope from int indices (such as a batch's indices into its data set). */
    public static SampleKeys open(int... indices) {
        if (indices == null) {
            throw new IllegalArgumentException("SampleKeys.open: indices is null");
        }
        return open(Arrays.stream(indices).asLongStream().toArray());
    }

    /** The keys of the innermost open scope of the calling thread, or null. */
    static long[] current() {
        SampleKeys s = CURRENT.get();
        return s == null ? null : s.keys;
    }

    /**
     * Closes this scope and restores the one open before it; closing twice does nothing.
     *
     * @throws IllegalStateException if called from another thread, or before an inner scope of the
     *     same thread is closed
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(
                    "SampleKeys opened on thread '"
                            + owner.getName()
                            + "' closed on '"
                            + Thread.currentThread().getName()
                            + "'");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException(
                    "SampleKeys closed while a scope opened after it is still open");
        }
        closed = true;
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
