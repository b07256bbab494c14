package dev.qama.cim.kernel;

/**
 * The batched coupling product Y = J·X over R replicas, for one solve.
 *
 * <p>X and Y are n×R row-major: element (i, r) is {@code x[i * R + r]}, so the R replicas of one
 * spin are contiguous and the product is a matrix–matrix product (GEMM). A kernel owns the
 * workspace it needs (allocated once, when it is created for a given R), so it is <b>not</b>
 * thread-safe: create one per solve with {@link Kernels#create}.
 */
public interface CouplingKernel {

    /** n, the number of rows of J. */
    int size();

    /** R, the number of replicas (columns of X) this kernel was created for. */
    int replicas();

    /** Whether this kernel uses the Vector API. */
    boolean vectorized();

    /**
     * Y = J·X (J symmetric, zero diagonal).
     *
     * @param x n×R input, row-major, not modified
     * @param y n×R output, row-major, overwritten (must not alias x)
     */
    void multiply(float[] x, float[] y);
}
