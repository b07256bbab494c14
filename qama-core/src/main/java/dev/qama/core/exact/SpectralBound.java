package dev.qama.core.exact;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import java.util.Optional;
import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * A lower bound on the minimum energy of a binary quadratic model from the smallest eigenvalue of
 * its coupling matrix, so that the optimality gap of any solution can be bounded without knowing
 * the optimum (the eigenvalue bound of Delorme and Poljak, Math. Programming 62, 1993, for Max-Cut;
 * see also Poljak and Rendl, SIAM J. Optim. 5, 1995).
 *
 * <h2>The bound</h2>
 *
 * The model is converted to SPIN, E(s) = offset + hᵀs + ½ sᵀJs. With an auxiliary spin s₀ (which
 * may be fixed to +1 without loss of generality, since flipping every spin maps the two halves of
 * {±1}ⁿ⁺¹ onto each other) and s̃ = (s₀, s), the energy is E = offset + ½ s̃ᵀ M s̃ with the
 * symmetric (n+1)×(n+1) matrix M = [[0, hᵀ], [h, J]]. Since ‖s̃‖² = n + 1 for every spin vector,
 *
 * <pre>
 *   E ≥ offset + ½ (n+1) λ_min(M).
 * </pre>
 *
 * Because s_i² = 1, subtracting a diagonal D = diag(d) and adding back Σd leaves the energy
 * unchanged, which gives a family of bounds
 *
 * <pre>
 *   E ≥ B(d) = offset + ½ [ (n+1) λ_min(M − D) + Σ_i d_i ],
 * </pre>
 *
 * concave in d. B(0) is the plain spectral bound. This class also evaluates d_i = −Σ_j |M_ij|, for
 * which M − D is diagonally dominant and B(d) equals the trivial bound offset − Σ|h_i| −
 * Σ_{i&lt;j}|J_ij|, starts from the better of the two, and then runs a few projected subgradient
 * steps: with v the unit eigenvector of λ_min(M − D), a supergradient of B at d is ½ (1 − (n+1)
 * v_i²); steps are normalised with lengths t₀/√(k+1), t₀ a quarter of the spectral width of M, and
 * the best bound seen is kept (every d gives a valid bound, so the iteration can only help). A tiny
 * safety margin of 1e-12·(n+1)·‖M‖_F is subtracted for the rounding of the eigen-solver.
 *
 * <p>The bound is exact when a spin vector s̃ is an eigenvector of M − D for its smallest
 * eigenvalue (for example a ferromagnetic complete graph after the subgradient steps) and usually
 * loose by a few to tens of percent on random models.
 *
 * <p>The dense (n+1)² matrix is built: models above {@value #MAX_VARIABLES} variables are refused.
 */
public final class SpectralBound {
    /** The default number of subgradient steps. */
    public static final int DEFAULT_ITERATIONS = 40;

    /** The largest model (variables) the bound is computed for. */
    public static final int MAX_VARIABLES = 4096;

    private SpectralBound() {}

    /**
     * The bound and how it was obtained.
     *
     * @param bound the best lower bound found, B(d) at the best d
     * @param plainBound B(0) = offset + ½ (n+1) λ_min(M), without the diagonal shift
     * @param trivialBound offset − Σ|h_i| − Σ_{i&lt;j}|J_ij| (SPIN form)
     * @param iterations the subgradient steps taken
     */
    public record Result(double bound, double plainBound, double trivialBound, int iterations) {
        /** energy − bound: how far a state of that energy can be from the optimum (≥ 0). */
        public double gap(double energy) {
            return energy - bound;
        }

        /**
         * The gap relative to the magnitude of the bound, (energy − bound) / max(|bound|, 1e-12); 0
         * means proven optimal.
         */
        public double relativeGap(double energy) {
            return gap(energy) / Math.max(Math.abs(bound), 1e-12);
        }
    }

    /** The bound with {@value #DEFAULT_ITERATIONS} subgradient steps. */
    public static Result compute(BinaryQuadraticModel model) {
        return compute(model, DEFAULT_ITERATIONS);
    }

    /**
     * The bound of any SPIN or BINARY model.
     *
     * @param iterations subgradient steps on the diagonal shift, ≥ 0 (0: the better of the plain
     *     and the trivial bound)
     * @throws IllegalArgumentException if the model has more than {@value #MAX_VARIABLES} variables
     *     or {@code iterations} is negative
     */
    public static Result compute(BinaryQuadraticModel model, int iterations) {
        if (model == null) {
            throw new IllegalArgumentException("model is null");
        }
        if (iterations < 0) {
            throw new IllegalArgumentException(
                    "spectral bound: iterations must be >= 0, got " + iterations);
        }
        int n = model.numVariables();
        if (n > MAX_VARIABLES) {
            throw new IllegalArgumentException(
                    "spectral bound: refusing a dense eigen-decomposition of "
                            + (n + 1)
                            + "×"
                            + (n + 1)
                            + " (n = "
                            + n
                            + " exceeds the limit of "
                            + MAX_VARIABLES
                            + ")");
        }
        BinaryQuadraticModel spin = model.toVartype(Vartype.SPIN);
        double offset = spin.offset();
        int m = n + 1;
        double[] a = new double[m * m];
        Coupling c = spin.coupling();
        float[] dense = c.toDenseArray(MAX_VARIABLES);
        for (int i = 0; i < n; i++) {
            a[i + 1] = spin.linear(i);
            a[(i + 1) * m] = spin.linear(i);
            for (int j = 0; j < n; j++) {
                a[(i + 1) * m + j + 1] = dense[i * n + j];
            }
        }
        double frob = 0;
        double[] absRow = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double v = a[i * m + j];
                frob += v * v;
                absRow[i] += Math.abs(v);
            }
        }
        frob = Math.sqrt(frob);
        double trivial = offset;
        for (int i = 0; i < m; i++) {
            trivial -= absRow[i] / 2; // each |h_i| and |J_ij| appears twice in M
        }
        double safety = 1e-12 * m * frob;
        if (frob == 0) {
            return new Result(offset, offset, offset, 0);
        }

        Eigen plain = smallest(a, new double[m], m);
        double plainBound = offset + 0.5 * m * plain.value - safety;
        double[] d = new double[m];
        Eigen cur = plain;
        double curBound = plainBound;
        double[] dTrivial = new double[m];
        for (int i = 0; i < m; i++) {
            dTrivial[i] = -absRow[i];
        }
        Eigen atTrivial = smallest(a, dTrivial, m);
        double trivialShifted = offset + 0.5 * (m * atTrivial.value + sum(dTrivial)) - safety;
        if (trivialShifted > curBound) {
            d = dTrivial;
            cur = atTrivial;
            curBound = trivialShifted;
        }
        double best = Math.max(curBound, trivial - safety);
        double t0 = 0.25 * Math.max(plain.width, 1e-12);
        double[] g = new double[m];
        int k = 0;
        for (; k < iterations; k++) {
            double norm = 0;
            for (int i = 0; i < m; i++) {
                double vi = cur.vector[i];
                g[i] = 1 - m * vi * vi;
                norm += g[i] * g[i];
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-12) {
                break; // a spin-like eigenvector: the bound is (nearly) tight at d
            }
            double t = t0 / Math.sqrt(k + 1.0);
            double[] next = new double[m];
            for (int i = 0; i < m; i++) {
                next[i] = d[i] + t * g[i] / norm;
            }
            Eigen e = smallest(a, next, m);
            double b = offset + 0.5 * (m * e.value + sum(next)) - safety;
            d = next;
            cur = e;
            if (b > best) {
                best = b;
            }
        }
        return new Result(best, plainBound, trivial, k);
    }

    /** The bound of a model with {@value #DEFAULT_ITERATIONS} steps. */
    public static double lowerBound(BinaryQuadraticModel model) {
        return compute(model).bound();
    }

    /**
     * A lower bound for any problem: a {@link BinaryQuadraticModel} directly, an {@link
     * AttentionProblem} through its exported model over the unmasked bits.
     */
    public static double lowerBound(Problem problem) {
        return compute(asModel(problem)).bound();
    }

    /**
     * energy − lowerBound(model): an upper bound on how far a state of that energy is from the
     * optimum (≥ 0 for the energy of any state, up to rounding).
     */
    public static double gap(BinaryQuadraticModel model, double energy) {
        return compute(model).gap(energy);
    }

    /** {@link #gap(BinaryQuadraticModel, double)} relative to |bound|. */
    public static double relativeGap(BinaryQuadraticModel model, double energy) {
        return compute(model).relativeGap(energy);
    }

    /** The model a problem's bound is computed on (attention: the free-bit export). */
    static BinaryQuadraticModel asModel(Problem problem) {
        if (problem instanceof BinaryQuadraticModel m) {
            return m;
        }
        if (problem instanceof AttentionProblem a) {
            return a.freeModel(MAX_VARIABLES).model();
        }
        throw new IllegalArgumentException(
                "spectral bound needs a BinaryQuadraticModel or an AttentionProblem, got "
                        + (problem == null ? "null" : problem.getClass().getName()));
    }

    private static double sum(double[] d) {
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return s;
    }

    /** The smallest eigenvalue, its unit eigenvector and the spectral width of M − diag(d). */
    private record Eigen(double value, double[] vector, double width) {}

    private static Eigen smallest(double[] a, double[] d, int m) {
        R064Store s = R064Store.FACTORY.make(m, m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                s.set(i, j, i == j ? a[i * m + j] - d[i] : a[i * m + j]);
            }
        }
        Eigenvalue<Double> evd = Eigenvalue.R064.make(s, true);
        if (!evd.decompose(s)) {
            throw new IllegalStateException("ojAlgo eigen-decomposition failed (size " + m + ")");
        }
        double[] values = new double[m];
        evd.getEigenvalues(values, Optional.empty());
        int argMin = 0;
        double max = values[0];
        for (int i = 1; i < m; i++) {
            if (values[i] < values[argMin]) {
                argMin = i;
            }
            max = Math.max(max, values[i]);
        }
        MatrixStore<Double> v = evd.getV();
        double[] vec = new double[m];
        double norm = 0;
        for (int i = 0; i < m; i++) {
            vec[i] = v.doubleValue(i, argMin);
            norm += vec[i] * vec[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < m; i++) {
            vec[i] /= norm;
        }
        return new Eigen(values[argMin], vec, max - values[argMin]);
    }
}
