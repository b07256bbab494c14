package dev.qama.cim.sa;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.SparseCoupling;

/**
 * The inverse temperatures at which an anneal starts ({@code hot}, small β) and ends ({@code cold},
 * large β), in the problem's own energy units.
 *
 * <h2>Default rule ({@link #defaultFor})</h2>
 *
 * In the spirit of dwave-samplers' default range, from bounds on the single-flip energy changes:
 *
 * <ul>
 *   <li>ΔE_max = max over free variables i of the largest |ΔE_i| any state can give: span·(|h_i| +
 *       Σ_j |J_ij|), with span = 2 for spins and 1 for bits;
 *   <li>ΔE_min = span·(the smallest non-zero |J_ij|), or, if there is no coupling, span·(the
 *       smallest non-zero |h_i|), floored at 1 % of ΔE_max: with continuous-valued coefficients the
 *       smallest entry is arbitrarily small and would push the cold end far past freezing (on the
 *       paper's attention problems, β_cold ≈ 22 000 without the floor, ≈ 8.6 with it);
 *   <li>ΔE_rms = max over free variables i of span·√(h_i² + Σ_j J_ij²): the root-mean-square scale
 *       of variable i's flip energy over random states (for spins, Σ_j J_ij s_j has variance Σ_j
 *       J_ij²);
 *   <li>hot = ln 2 / ΔE_rms: at the start a flip of the typical largest size is accepted with
 *       probability 1/2. dwave-samplers uses the worst case ΔE_max (every neighbour pulling the
 *       same way), which spends the first sweeps far above any ordering temperature; ours stays
 *       above the ordering temperature of the standard models (2-D ±1 Ising: hot = ln 2/4 ≈ 0.17
 *       &lt; β_c ≈ 0.44; Sherrington–Kirkpatrick with J ~ N(0, 1/n): hot ≈ 0.35 &lt; β_c = 1);
 *   <li>cold = ln(100·n) / ΔE_min, n the number of free variables: at the end the smallest uphill
 *       move is accepted with probability 0.01/n, i.e. about once per 100 sweeps.
 * </ul>
 *
 * Measured against the dwave-like rule (hot = ln 2/ΔE_max, no floor), with {@link
 * SimulatedAnnealing}'s polish on: paper attention problems (H = 8, N = 49, q = 1; 32 problems × 3
 * seeds) mean best energy −536.6 vs −526.8 after 50 sweeps, −542.9 vs −538.5 after 200, −544.2 vs
 * −543.0 after 1000; BiqMac be100.1–5 (40 runs each) optimum reached in 90.5 % vs 77.5 % of runs
 * after 100 sweeps, 94.5 % vs 88.5 % after 200, 98.5 % for both after 500.
 *
 * <p>A problem with no non-zero coefficient (every state has the same energy) gets hot = cold = 1.
 * For an {@link AttentionProblem} the same rule is applied to the exported QUBO's coefficients,
 * computed from the structure (never building the matrix): bit (t, i, k) has linear coefficient
 * −b·h_{t,i}·u_k − a·D_{t,i}·u_k², couplings −2a·C_{t,ij}·u_k·u_l to other tokens of its head,
 * −2a·D_{t,i}·u_k·u_l to its own other bits and ρ to its H − 1 copies in other heads (couplings to
 * masked tokens, always 0, are left out). For a low-rank coupling above 512 rows the row sums and
 * the smallest entry are taken over an evenly spaced sample of 512 rows, and above 2048 columns
 * each sampled row's sums over an evenly spaced sample of 2048 columns, scaled by (free columns)/
 * (sampled free columns): an exact pass would cost O(n²·r), the sample costs at most 512·2048·r
 * entry evaluations per head whatever n is (at n = 32768, r = 64: 16× fewer than sampling rows
 * only). The smallest entry of a sample is at least the true smallest; it only matters when it lies
 * above the 1 % floor.
 *
 * @param hot the initial β, positive and finite
 * @param cold the final β, positive, finite and ≥ hot
 */
public record BetaRange(double hot, double cold) {
    private static final int SAMPLE_ROWS = 512;
    private static final int SAMPLE_COLUMNS = 2048;
    private static final double MIN_DELTA_FLOOR = 1e-2;

    /** Validates the range. */
    public BetaRange {
        if (!Double.isFinite(hot) || hot <= 0) {
            throw new IllegalArgumentException(
                    "hot beta (start of the schedule) must be positive and finite, got " + hot);
        }
        if (!Double.isFinite(cold) || cold <= 0) {
            throw new IllegalArgumentException(
                    "cold beta (end of the schedule) must be positive and finite, got " + cold);
        }
        if (cold < hot) {
            throw new IllegalArgumentException(
                    "cold beta " + cold + " is smaller than hot beta " + hot + " (a heating run)");
        }
    }

    /** The default range for a problem (see the class javadoc). */
    public static BetaRange defaultFor(Problem problem) {
        double[] d = deltaBounds(problem);
        return fromDeltas(d[0], d[1], d[2], d[3]);
    }

    static BetaRange fromDeltas(
            double maxDelta, double minDelta, double freeCount, double rmsDelta) {
        if (!(maxDelta > 0) || !(minDelta > 0) || !(rmsDelta > 0)) {
            return new BetaRange(1, 1);
        }
        double min = Math.max(minDelta, MIN_DELTA_FLOOR * maxDelta);
        double hot = Math.log(2) / rmsDelta;
        double cold = Math.log(100 * Math.max(1, freeCount)) / min;
        return new BetaRange(hot, Math.max(hot, cold));
    }

    /** {ΔE_max, ΔE_min (0 if no non-zero coefficient), free variable count} of the default rule. */
    static double[] deltaBounds(Problem problem) {
        if (problem instanceof BinaryQuadraticModel m) {
            return bqmBounds(m);
        }
        if (problem instanceof AttentionProblem ap) {
            return attentionBounds(ap);
        }
        throw new IllegalArgumentException(
                "no default beta range for problem type " + problem.getClass().getName());
    }

    private static double[] bqmBounds(BinaryQuadraticModel m) {
        int n = m.numVariables();
        double span = m.vartype().high() - m.vartype().low();
        RowStats st = rowStats(m.coupling(), null);
        double max = 0;
        double rms = 0;
        double minH = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double hi = Math.abs(m.linear(i));
            if (hi != 0) {
                minH = Math.min(minH, hi);
            }
            if (!Double.isNaN(st.rowAbs[i])) {
                max = Math.max(max, hi + st.rowAbs[i]);
                rms = Math.max(rms, Math.sqrt(hi * hi + st.rowSq[i]));
            }
        }
        double minCoef = st.minAbs > 0 ? st.minAbs : (minH < Double.POSITIVE_INFINITY ? minH : 0);
        return new double[] {span * max, span * minCoef, n, span * rms};
    }

    private static double[] attentionBounds(AttentionProblem p) {
        int heads = p.heads();
        int tokens = p.tokens();
        int bits = p.bits();
        double a = Math.abs(p.couplingWeight());
        double b = p.linearWeight();
        double rho = Math.abs(p.penaltyWeight());
        double[] u = p.bitWeights();
        double max = 0;
        double rms = 0;
        double min = Double.POSITIVE_INFINITY;
        int free = 0;
        double sumU2 = 0;
        for (double uk : u) {
            sumU2 += uk * uk;
        }
        if (heads > 1 && rho != 0) {
            min = rho;
        }
        boolean[] masked = new boolean[tokens];
        for (int i = 0; i < tokens; i++) {
            masked[i] = p.isMasked(i);
        }
        for (int t = 0; t < heads; t++) {
            RowStats st = rowStats(p.coupling(t), masked);
            if (st.minAbs > 0 && a != 0) {
                min = Math.min(min, 2 * a * st.minAbs * u[0] * u[0]);
            }
            float[] d = p.diagonal(t);
            float[] h = p.linear(t);
            for (int i = 0; i < tokens; i++) {
                if (p.isMasked(i)) {
                    continue;
                }
                double di = d == null ? 0 : d[i];
                if (di != 0 && a != 0 && bits > 1) {
                    min = Math.min(min, 2 * a * Math.abs(di) * u[0] * u[1]);
                }
                for (int k = 0; k < bits; k++) {
                    free++;
                    double lin = Math.abs(-b * h[i] * u[k] - p.couplingWeight() * di * u[k] * u[k]);
                    if (lin != 0) {
                        min = Math.min(min, lin);
                    }
                    if (Double.isNaN(st.rowAbs[i])) {
                        continue;
                    }
                    double bound =
                            lin
                                    + 2 * a * u[k] * st.rowAbs[i]
                                    + 2 * a * Math.abs(di) * u[k] * (1 - u[k])
                                    + rho * (heads - 1);
                    max = Math.max(max, bound);
                    double sq =
                            lin * lin
                                    + 4 * a * a * u[k] * u[k] * sumU2 * st.rowSq[i]
                                    + 4 * a * a * di * di * u[k] * u[k] * (sumU2 - u[k] * u[k])
                                    + rho * rho * (heads - 1);
                    rms = Math.max(rms, Math.sqrt(sq));
                }
            }
        }
        return new double[] {max, min < Double.POSITIVE_INFINITY ? min : 0, free, rms};
    }

    /**
     * Σ_j |J_ij| and Σ_j J_ij² per row (NaN for rows left out of a sample) and the smallest
     * non-zero |J_ij|.
     */
    private record RowStats(double[] rowAbs, double[] rowSq, double minAbs) {}

    /** Row statistics over the columns not in {@code skip} (null: every column). */
    private static RowStats rowStats(Coupling c, boolean[] skip) {
        int n = c.size();
        double[] rows = new double[n];
        double[] sq = new double[n];
        double min = Double.POSITIVE_INFINITY;
        if (c instanceof DenseCoupling dc) {
            float[] data = dc.data();
            for (int i = 0; i < n; i++) {
                double s = 0;
                double s2 = 0;
                for (int j = 0; j < n; j++) {
                    double v = Math.abs(data[i * n + j]);
                    if (v != 0 && (skip == null || !skip[j])) {
                        s += v;
                        s2 += v * v;
                        min = Math.min(min, v);
                    }
                }
                rows[i] = s;
                sq[i] = s2;
            }
        } else if (c instanceof SparseCoupling sc) {
            int[] rs = sc.rowStart();
            int[] cols = sc.columns();
            float[] vals = sc.values();
            for (int i = 0; i < n; i++) {
                double s = 0;
                double s2 = 0;
                for (int k = rs[i]; k < rs[i + 1]; k++) {
                    double v = Math.abs(vals[k]);
                    if (v != 0 && (skip == null || !skip[cols[k]])) {
                        s += v;
                        s2 += v * v;
                        min = Math.min(min, v);
                    }
                }
                rows[i] = s;
                sq[i] = s2;
            }
        } else {
            // low-rank: each entry costs O(r); sample rows, and columns beyond SAMPLE_COLUMNS,
            // so that the cost stays O(SAMPLE_ROWS·SAMPLE_COLUMNS·r) however large n is
            int stride = n > SAMPLE_ROWS ? (n + SAMPLE_ROWS - 1) / SAMPLE_ROWS : 1;
            int colStride = n > SAMPLE_COLUMNS ? (n + SAMPLE_COLUMNS - 1) / SAMPLE_COLUMNS : 1;
            int free = 0;
            int freeSampled = 0;
            for (int j = 0; j < n; j++) {
                if (skip == null || !skip[j]) {
                    free++;
                    if (j % colStride == 0) {
                        freeSampled++;
                    }
                }
            }
            double factor = freeSampled == 0 ? 0 : (double) free / freeSampled;
            java.util.Arrays.fill(rows, Double.NaN);
            java.util.Arrays.fill(sq, Double.NaN);
            for (int i = 0; i < n; i += stride) {
                double s = 0;
                double s2 = 0;
                for (int j = 0; j < n; j += colStride) {
                    if (skip != null && skip[j]) {
                        continue;
                    }
                    double v = Math.abs(c.get(i, j));
                    if (v != 0) {
                        s += v;
                        s2 += v * v;
                        min = Math.min(min, v);
                    }
                }
                rows[i] = s * factor;
                sq[i] = s2 * factor;
            }
        }
        return new RowStats(rows, sq, min < Double.POSITIVE_INFINITY ? min : 0);
    }
}
