package dev.qama.core.model;

/**
 * A symmetric n×n coupling matrix with a zero diagonal, as an operator.
 *
 * <p>The coupling of a model is one of three representations with the same contract:
 *
 * <ul>
 *   <li>{@link DenseCoupling}: a row-major float32 matrix, n² floats;
 *   <li>{@link SparseCoupling}: compressed sparse rows (both triangles stored);
 *   <li>{@link LowRankCoupling}: the factored form J = s·(A·Bᵀ + B·Aᵀ) with its diagonal removed,
 *       which never stores anything of size n² (the paper-v2 couplings of a head have rank ≤ 2d).
 * </ul>
 *
 * Solvers that can exploit one representation test for it with {@code instanceof}; all others use
 * the operator methods below, which every representation implements exactly.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public sealed interface Coupling permits DenseCoupling, SparseCoupling, LowRankCoupling {

    /** The number of rows (and columns). */
    int size();

    /** J_ij; zero on the diagonal. Cost depends on the representation (O(1), O(log deg), O(r)). */
    double get(int i, int j);

    /**
     * y = J·x for one vector: {@code y[i] = Σ_j J_ij x[j]} (the diagonal contributes nothing).
     *
     * @param x input, length n
     * @param y output, length n, overwritten
     */
    void multiply(float[] x, float[] y);

    /**
     * Y = J·X for a block of {@code cols} vectors stored row-major: element (i, c) of X is {@code
     * x[i * cols + c]}. Replicas of a solver are stored this way so the product is a GEMM.
     */
    void multiply(float[] x, float[] y, int cols);

    /** y = J·x in double precision (length-n vectors; y is overwritten). */
    void multiply(double[] x, double[] y);

    /** xᵀJx = Σ_{i≠j} J_ij x_i x_j for a real vector, in double precision. */
    double quadraticForm(double[] x);

    /** Σ_j J_ij z_j for one row, in double precision, with z a state of ±1 or 0/1 values. */
    double rowDot(int i, byte[] z);

    /** ½·zᵀJz = Σ_{i&lt;j} J_ij z_i z_j, in double precision. */
    double pairSum(byte[] z);

    /** The number of stored non-zero entries (off-diagonal, both triangles), or n(n−1) if dense. */
    long nonZeros();

    /** Σ_{i&lt;j} J_ij² (used for spectral scale heuristics), in double precision. */
    double sumSquaresUpper();

    /** For each row i, Σ_j |J_ij| (used for temperature heuristics). */
    double[] absRowSums();

    /** The smallest non-zero |J_ij|, or 0 if there is none. */
    double minAbsNonZero();

    /** A dense row-major copy, n² floats. Refuses n above {@code maxN}. */
    float[] toDenseArray(int maxN);

    /** Scales every entry by {@code factor}, returning a coupling of the same representation. */
    Coupling scaled(double factor);
}
