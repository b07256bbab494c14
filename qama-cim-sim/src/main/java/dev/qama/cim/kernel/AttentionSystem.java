package dev.qama.cim.kernel;

import dev.qama.core.attention.AttentionProblem;

/**
 * The structured spin form of an {@link AttentionProblem}; the (H·N·q)² matrix is never built.
 *
 * <h2>Derivation</h2>
 *
 * With x_{t,i,k} = (s_{t,i,k} + 1)/2 and Σ_k u_k = 1, the weight of a token is w_{t,i} = (ω_{t,i} +
 * 1)/2 with ω_{t,i} = Σ_k u_k s_{t,i,k}. Substituting into the energy of {@link AttentionProblem}
 * and dropping the constant s_v² = 1 terms gives an Ising model whose couplings are
 *
 * <pre>
 *   (t,i,k)–(t,j,l), i ≠ j:  −(a/2)·C_{t,ij}·u_k·u_l
 *   (t,i,k)–(t,i,l), k ≠ l:  −(a/2)·D_{t,i}·u_k·u_l
 *   (t,i,k)–(t',i,k), t ≠ t': ρ/4
 * </pre>
 *
 * and whose gradient at real amplitudes x (ω and w̃ = (ω + 1)/2 computed from x) is
 *
 * <pre>
 *   g_{t,i,k} = − a·u_k·(C_t·w̃_t)_i
 *               − (a/2)·D_{t,i}·u_k·(ω_{t,i} − u_k·x_{t,i,k} + 1)
 *               − (b/2)·h_{t,i}·u_k
 *               + (ρ/2)·(Σ_{t'} x̃_{t',i,k} − x̃_{t,i,k}),        x̃ = (x + 1)/2.
 * </pre>
 *
 * So one gradient costs one coupling product per head on the N token weights (not on the N·q bits),
 * O(q) same-token terms and O(H) penalty terms per bit. The spin-form h and constant c are obtained
 * from the gradient itself: h = g(0), and since x = 0 (all s = −1) has energy 0, c = ½ Σ_v (h_v +
 * g_v(−1)). Masked tokens' bits are fixed at s = −1 (x = 0).
 */
final class AttentionSystem extends SpinSystem {
    /**
     * System property: {@code false} turns the fused Vector API engine of one-bit low-rank problems
     * ({@link VectorAttention}) off, so the per-head coupling kernels are used (for comparisons).
     */
    static final String FUSED_PROPERTY = "qama.attention.fused";

    private final int heads;
    private final int tokens;
    private final int bits;
    private final float[] u;
    private final float a;
    private final float b;
    private final float rho;
    private final CouplingKernel[] kernels;
    private final float[][] diag;
    private final float[][] lin;
    private final boolean[] masked;
    private final int[] free;
    private final double squares;
    private final double penaltySquares;
    // workspaces, N×R or N·q×R
    private final float[] w;
    private final float[] cw;
    private final float[] omega;
    private final float[] colsum;
    private final boolean vector;
    private float[] constants; // q = 1: per-(head, token) constant of the gradient, H×N×R
    // q = 1 with low-rank heads and the Vector API: the fused engine (then kernels[] stays empty)
    private final VectorAttention engine;

    AttentionSystem(AttentionProblem p, int reps, Kernels.Mode mode) {
        super(p.numVariables(), reps);
        this.heads = p.heads();
        this.tokens = p.tokens();
        this.bits = p.bits();
        double[] ud = p.bitWeights();
        this.u = new float[bits];
        double u2 = 0;
        double u4 = 0;
        for (int k = 0; k < bits; k++) {
            u[k] = (float) ud[k];
            u2 += ud[k] * ud[k];
            u4 += ud[k] * ud[k] * ud[k] * ud[k];
        }
        this.a = (float) p.couplingWeight();
        this.b = (float) p.linearWeight();
        this.rho = (float) p.penaltyWeight();
        this.vector = Updates.useVector(mode);
        this.engine =
                vector && !"false".equalsIgnoreCase(System.getProperty(FUSED_PROPERTY))
                        ? VectorAttention.create(p, reps)
                        : null;
        this.kernels = new CouplingKernel[heads];
        this.diag = new float[heads][];
        this.lin = new float[heads][];
        this.penaltySquares = (double) tokens * bits * heads * (heads - 1) * rho * rho / 16.0;
        this.squares = headSquares(p, mode, u2, u4) + penaltySquares;
        this.masked = new boolean[tokens];
        for (int i = 0; i < tokens; i++) {
            masked[i] = p.isMasked(i);
        }
        this.free = unmaskedSpins();
        setFreeRuns(free);
        boolean generic = engine == null;
        this.w = generic ? new float[tokens * reps] : null;
        this.cw = generic ? new float[tokens * reps] : null;
        this.omega = generic ? new float[tokens * reps] : null;
        this.colsum = generic && heads > 1 && rho != 0f ? new float[tokens * bits * reps] : null;
        spinForm();
    }

    /*
     * The constructor's loops live in the methods below, each compiled by the JIT on its own: in
     * one constructor (958 bytes of bytecode), every loop got an on-stack-replacement compilation
     * of all of it, and the normal compilation came on top (three C2 compilations, 0.21 s, in one
     * digits training run).
     */

    /**
     * Fills kernels (without the fused engine), diag and lin, and returns the heads' part of ΣJ²
     * (couplings between distinct spins, the cross-head penalty not included).
     */
    private double headSquares(AttentionProblem p, Kernels.Mode mode, double u2, double u4) {
        double sq = 0;
        double[] engineSquares = engine != null ? engine.upperSquares(p) : null;
        for (int t = 0; t < heads; t++) {
            if (engine == null) {
                kernels[t] = Kernels.create(p.coupling(t), reps, mode);
            }
            diag[t] = p.diagonal(t);
            lin[t] = p.linear(t);
            double aa = (double) a * a / 4;
            double upper = engine != null ? engineSquares[t] : upperSquares(p.coupling(t));
            sq += aa * 2 * upper * u2 * u2;
            if (diag[t] != null) {
                for (float d : diag[t]) {
                    sq += aa * d * d * (u2 * u2 - u4);
                }
            }
        }
        return sq;
    }

    /**
     * The spins of unmasked tokens, ascending (as the free runs need). One flat loop over the spins
     * (v = (t·N + i)·q + k): nested loops over heads, tokens and bits got an on-stack-replacement
     * compilation at each level.
     */
    private int[] unmaskedSpins() {
        int[] fr = new int[n];
        int nf = 0;
        for (int v = 0; v < n; v++) {
            if (!masked[(v / bits) % tokens]) {
                fr[nf++] = v;
            }
        }
        return java.util.Arrays.copyOf(fr, nf);
    }

    /**
     * Sets the spin-form h = g(0) and c = ½ Σ (h + g(−1)), from replica 0 (the fused engine
     * computes replica 0 alone).
     */
    private void spinForm() {
        int gr = engine != null ? 1 : reps;
        float[] g = new float[n * gr];
        gradientOfAll(0f, g);
        double[] h = new double[n];
        for (int v = 0; v < n; v++) {
            h[v] = g[v * gr];
        }
        gradientOfAll(-1f, g);
        double c = 0;
        for (int v = 0; v < n; v++) {
            c += h[v] + g[v * gr];
        }
        setLinearAndOffset(h, 0.5 * c);
        if (engine != null) {
            engine.setLinearAndOffset(h, 0.5 * c);
        }
    }

    /**
     * g = the gradient at amplitudes {@code x0} for every spin and replica: with the fused engine
     * replica 0 alone (n values), otherwise n×R.
     */
    private void gradientOfAll(float x0, float[] g) {
        if (engine != null) {
            engine.gradientAt(x0, g);
            return;
        }
        float[] x = new float[n * reps];
        java.util.Arrays.fill(x, x0);
        gradient(x, g);
    }

    /** The system of {@code src}'s problem for {@code reps} replicas, sharing its fused engine. */
    private AttentionSystem(AttentionSystem src, int reps) {
        super(src.n, reps);
        this.heads = src.heads;
        this.tokens = src.tokens;
        this.bits = src.bits;
        this.u = src.u;
        this.a = src.a;
        this.b = src.b;
        this.rho = src.rho;
        this.vector = src.vector;
        this.engine = src.engine.withReplicas(reps);
        this.kernels = new CouplingKernel[heads];
        this.diag = src.diag;
        this.lin = src.lin;
        this.masked = src.masked;
        this.free = src.free;
        this.squares = src.squares;
        this.penaltySquares = src.penaltySquares;
        this.w = null;
        this.cw = null;
        this.omega = null;
        this.colsum = null;
    }

    /** With the fused engine, a system sharing it; the per-head kernels are built anew. */
    @Override
    protected SpinSystem copyFor(int reps) {
        return engine == null ? null : new AttentionSystem(this, reps);
    }

    /**
     * Σ_{i&lt;j} C_ij²; for a low-rank coupling from r×r Gram matrices accumulated in float (a
     * heuristic input, and O(n·r²) in the core's double loops was a visible share of a small
     * solve).
     */
    static double upperSquares(dev.qama.core.model.Coupling c) {
        if (!(c instanceof dev.qama.core.model.LowRankCoupling l)) {
            return c.sumSquaresUpper();
        }
        int n = l.size();
        int r = l.rank();
        float[] fa = l.factorA();
        float[] fb = l.factorB();
        float[] ba = new float[r * r];
        float[] aa = new float[r * r];
        float[] bb = new float[r * r];
        for (int i = 0; i < n; i++) {
            int o = i * r;
            for (int c1 = 0; c1 < r; c1++) {
                float ac = fa[o + c1];
                float bc = fb[o + c1];
                int g = c1 * r;
                for (int e = 0; e < r; e++) {
                    ba[g + e] += bc * fa[o + e];
                    aa[g + e] += ac * fa[o + e];
                    bb[g + e] += bc * fb[o + e];
                }
            }
        }
        double t1 = 0;
        double t2 = 0;
        for (int c1 = 0; c1 < r; c1++) {
            for (int e = 0; e < r; e++) {
                t1 += (double) ba[c1 * r + e] * ba[e * r + c1];
                t2 += (double) aa[c1 * r + e] * bb[e * r + c1];
            }
        }
        return l.sumSquaresUpperFromTraces(t1, t2);
    }

    @Override
    public boolean isFixed(int v) {
        return masked[(v / bits) % tokens];
    }

    @Override
    public int[] freeSpins() {
        return free;
    }

    @Override
    public double couplingSquares() {
        return squares;
    }

    @Override
    public double penaltySquares() {
        return penaltySquares;
    }

    /**
     * One group per unmasked (token, bit) over the heads, coupled by ρ/4; null if H = 1 or ρ = 0.
     */
    @Override
    public Groups penaltyGroups() {
        if (heads < 2 || rho == 0f) {
            return null;
        }
        int count = 0;
        for (int i = 0; i < tokens; i++) {
            count += masked[i] ? 0 : bits;
        }
        int[] spins = new int[count * heads];
        int m = 0;
        for (int i = 0; i < tokens; i++) {
            if (masked[i]) {
                continue;
            }
            for (int k = 0; k < bits; k++) {
                for (int t = 0; t < heads; t++) {
                    spins[m++] = (t * tokens + i) * bits + k;
                }
            }
        }
        return new Groups(heads, spins, rho / 4f);
    }

    @Override
    public SbStepper sbStepper() {
        return engine;
    }

    @Override
    public void gradient(float[] x, float[] g) {
        if (engine != null) {
            engine.gradient(x, g);
            return;
        }
        if (bits == 1) {
            gradientOneBit(x, g);
            return;
        }
        int r = reps;
        int q = bits;
        int nt = tokens;
        if (colsum != null) {
            java.util.Arrays.fill(colsum, 0f);
            for (int t = 0; t < heads; t++) {
                int base = t * nt * q * r;
                for (int m = 0; m < nt * q * r; m++) {
                    colsum[m] += 0.5f * (x[base + m] + 1f);
                }
            }
        }
        float halfA = 0.5f * a;
        float halfB = 0.5f * b;
        float halfRho = 0.5f * rho;
        for (int t = 0; t < heads; t++) {
            int headBase = t * nt * q;
            for (int i = 0; i < nt; i++) {
                int vo = (headBase + i * q) * r;
                int wo = i * r;
                for (int c = 0; c < r; c++) {
                    float om = 0f;
                    for (int k = 0; k < q; k++) {
                        om += u[k] * x[vo + k * r + c];
                    }
                    omega[wo + c] = om;
                    w[wo + c] = 0.5f * (om + 1f);
                }
            }
            kernels[t].multiply(w, cw);
            float[] d = diag[t];
            float[] h = lin[t];
            for (int i = 0; i < nt; i++) {
                float di = d == null ? 0f : d[i];
                int wo = i * r;
                for (int k = 0; k < q; k++) {
                    float uk = u[k];
                    float coupling = -a * uk;
                    float same = -halfA * di * uk;
                    float constant = -halfB * h[i] * uk + same;
                    int o = (headBase + i * q + k) * r;
                    int po = (i * q + k) * r;
                    for (int c = 0; c < r; c++) {
                        float xv = x[o + c];
                        float gv =
                                coupling * cw[wo + c] + same * (omega[wo + c] - uk * xv) + constant;
                        if (colsum != null) {
                            gv += halfRho * (colsum[po + c] - 0.5f * (xv + 1f));
                        }
                        g[o + c] = gv;
                    }
                }
            }
        }
    }

    /**
     * q = 1 (paper-v2): w = x̃ and the same-token term is a constant −(a/2)·D, so every loop is a
     * flat pass over the N×R block of a head (the per-token constants are expanded once).
     */
    private void gradientOneBit(float[] x, float[] g) {
        int len = tokens * reps;
        if (constants == null) {
            constants = new float[heads * len];
            for (int t = 0; t < heads; t++) {
                float[] d = diag[t];
                float[] h = lin[t];
                for (int i = 0; i < tokens; i++) {
                    float c = -0.5f * b * h[i] - (d == null ? 0f : 0.5f * a * d[i]);
                    for (int r = 0; r < reps; r++) {
                        constants[t * len + i * reps + r] = c;
                    }
                }
            }
        }
        float[] cs = colsum;
        if (cs != null) {
            // Σ_t x̃ = (Σ_t x + H)/2
            java.util.Arrays.fill(cs, 0.5f * heads);
            for (int t = 0; t < heads; t++) {
                int base = t * len;
                for (int m = 0; m < len; m++) {
                    cs[m] += 0.5f * x[base + m];
                }
            }
        }
        float minusA = -a;
        float halfRho = 0.5f * rho;
        float[] wv = w;
        float[] cwv = cw;
        float[] cst = constants;
        for (int t = 0; t < heads; t++) {
            int base = t * len;
            Updates.weights(vector, x, base, wv, len);
            kernels[t].multiply(wv, cwv);
            Updates.attentionField(vector, g, base, cwv, cst, cs, wv, len, minusA, halfRho);
        }
    }

    @Override
    public byte[] toState(byte[] signs) {
        byte[] out = new byte[n];
        for (int v = 0; v < n; v++) {
            out[v] = (byte) (signs[v] > 0 && !isFixed(v) ? 1 : 0);
        }
        return out;
    }

    @Override
    public byte toSpin(byte value) {
        return value == 1 ? (byte) 1 : (byte) -1;
    }
}
