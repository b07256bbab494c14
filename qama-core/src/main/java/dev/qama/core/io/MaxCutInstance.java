package dev.qama.core.io;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Checks;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;

/**
 * A weighted Max-Cut instance: an undirected graph on n nodes with an edge list (0-based node
 * indices, parallel edges allowed, no self-loops). Immutable.
 *
 * <p>With spins s ∈ {−1, +1}ⁿ marking the side of the cut, the cut value and the Ising energy are
 *
 * <pre>
 *   cut(s) = Σ_edges w_ij (1 − s_i s_j) / 2          E(s) = Σ_edges w_ij s_i s_j
 * </pre>
 *
 * so cut(s) = (W − E(s)) / 2 with W the total edge weight, and maximising the cut is minimising E
 * ({@link #toIsing()}). This is the convention of the G-set literature (Helmberg and Rendl, "A
 * spectral bundle method for semidefinite programming", SIAM J. Optim. 10, 2000) whose best-known
 * cuts are quoted in benchmarks.
 */
public final class MaxCutInstance {
    private final String name;
    private final int n;
    private final int[] sources;
    private final int[] targets;
    private final double[] weights;
    private final double totalWeight;

    private MaxCutInstance(String name, int n, int[] sources, int[] targets, double[] weights) {
        this.name = name;
        this.n = n;
        this.sources = sources;
        this.targets = targets;
        this.weights = weights;
        double w = 0;
        for (double x : weights) {
            w += x;
        }
        this.totalWeight = w;
    }

    /**
     * An instance from an edge list (the arrays are copied).
     *
     * @param name a name for reports, e.g. "G14"
     * @param n the number of nodes, in [0, {@value FormatException#MAX_VARIABLES}]
     * @param sources the first node of each edge, 0-based
     * @param targets the second node of each edge, 0-based, different from the first
     * @param weights the weight of each edge, finite and within the float32 range
     * @throws IllegalArgumentException naming the bad edge
     */
    public static MaxCutInstance of(
            String name, int n, int[] sources, int[] targets, double[] weights) {
        Checks.nonNegative(n, "Max-Cut node count n");
        if (n > FormatException.MAX_VARIABLES) {
            throw new IllegalArgumentException(
                    "Max-Cut node count " + n + " exceeds " + FormatException.MAX_VARIABLES);
        }
        if (sources == null || targets == null || weights == null) {
            throw new IllegalArgumentException("Max-Cut edge arrays must not be null");
        }
        Checks.length(targets.length, sources.length, "Max-Cut edge targets (sources)");
        Checks.length(weights.length, sources.length, "Max-Cut edge weights (sources)");
        for (int k = 0; k < sources.length; k++) {
            int i = sources[k];
            int j = targets[k];
            if (i < 0 || i >= n || j < 0 || j >= n) {
                throw new IllegalArgumentException(
                        "Max-Cut edge "
                                + k
                                + " ("
                                + i
                                + ", "
                                + j
                                + ") is out of range for "
                                + n
                                + " nodes");
            }
            if (i == j) {
                throw new IllegalArgumentException(
                        "Max-Cut edge " + k + " (" + i + ", " + i + ") is a self-loop");
            }
            double w = weights[k];
            if (!Double.isFinite(w) || Float.isInfinite((float) w)) {
                throw new IllegalArgumentException(
                        "Max-Cut edge " + k + " has weight " + w + " (must be finite, float32)");
            }
        }
        return new MaxCutInstance(
                name == null ? "" : name, n, sources.clone(), targets.clone(), weights.clone());
    }

    /** The name (for reports). */
    public String name() {
        return name;
    }

    /** The number of nodes n. */
    public int numNodes() {
        return n;
    }

    /** The number of edges m (parallel edges counted separately). */
    public int numEdges() {
        return sources.length;
    }

    /** The first node of each edge, 0-based (a copy). */
    public int[] sources() {
        return sources.clone();
    }

    /** The second node of each edge, 0-based (a copy). */
    public int[] targets() {
        return targets.clone();
    }

    /** The weight of each edge (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    /** The first node of edge k. */
    public int source(int k) {
        return sources[k];
    }

    /** The second node of edge k. */
    public int target(int k) {
        return targets[k];
    }

    /** The weight of edge k. */
    public double weight(int k) {
        return weights[k];
    }

    /** The total edge weight W = Σ w_ij. */
    public double totalWeight() {
        return totalWeight;
    }

    /**
     * The Ising model whose minimum is the maximum cut: SPIN, no linear terms, no offset, pair
     * coefficient J_ij = w_ij (parallel edges summed), so E(s) = Σ_edges w_ij s_i s_j and cut(s) =
     * (W − E(s)) / 2. Coefficients are stored in float32, sparse.
     */
    public BinaryQuadraticModel toIsing() {
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int k = 0; k < sources.length; k++) {
            b.add(sources[k], targets[k], weights[k]);
        }
        return BinaryQuadraticModel.of(Vartype.SPIN, b.build());
    }

    /**
     * The cut value Σ w_ij (1 − s_i s_j) / 2 of a spin state: the total weight of the edges whose
     * ends have different spins.
     *
     * @param spins one value −1 or +1 per node
     * @throws IllegalArgumentException if the state has the wrong length or a value other than ±1
     */
    public double cut(byte[] spins) {
        Vartype.SPIN.checkState(spins, n);
        double c = 0;
        for (int k = 0; k < sources.length; k++) {
            if (spins[sources[k]] != spins[targets[k]]) {
                c += weights[k];
            }
        }
        return c;
    }

    /** The cut value that corresponds to an Ising energy of {@link #toIsing()}: (W − E) / 2. */
    public double cutFromEnergy(double isingEnergy) {
        return (totalWeight - isingEnergy) / 2;
    }

    @Override
    public String toString() {
        return "MaxCutInstance[" + name + ", n=" + n + ", m=" + sources.length + "]";
    }
}
