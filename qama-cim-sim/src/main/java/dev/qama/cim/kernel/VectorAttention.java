package dev.qama.cim.kernel;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.LowRankCoupling;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API engine of a one-bit (q = 1) attention system whose heads all have low-rank
 * couplings J_t = s_t·(A_t·B_tᵀ + B_t·A_tᵀ) − diag: the gradient of {@link AttentionSystem} and a
 * fused SB step ({@link SbStepper}). Loaded only when {@code jdk.incubator.vector} is present.
 *
 * <p>Layout: replica-major, each head's N tokens padded to a multiple of the vector width (replica
 * c, head t, token i at c·H·N' + t·N' + i); padding lanes hold x = −1, y = 0 and have zero factors,
 * constants and fields, so every element-wise loop runs on whole vectors.
 *
 * <p>Per head and replica the coupling product needs no horizontal reduction: with F_i = (B_i, A_i)
 * the 2d factor entries of token i (one vector for d = 8 on AVX-512),
 *
 * <pre>
 *   v = −a·s·Σ_i F_i·w_i = −a·s·(Bᵀw, Aᵀw)             (broadcast FMAs along the tokens)
 *   g = Σ_k Pᵀ_k·v_k + (a·D − ρ/2)∘w + c + (ρ/2)·Σ_t' w_t'
 * </pre>
 *
 * (Pᵀ_k the k-th column of (A, B) along the tokens, D the removed diagonal, c the per-token
 * constants of {@link AttentionSystem}), and the SB update of the same chunk follows at once while
 * its field is in registers. Cost per step, head and replica: 2·d·N FMAs for each product and no
 * horizontal sum (the per-head column kernel it replaces, {@code VectorKernels.LowRankFew}, needs
 * 4·d of them and copies every replica column in and out). The SB step itself is that of {@link
 * dev.qama.cim.sb.SimulatedBifurcation} (Goto et al., Sci. Adv. 7, eabe7953, 2021).
 */
final class VectorAttention implements SbStepper {
    private static final VectorSpecies<Float> SPECIES = VectorKernels.SPECIES;
    private static final int L = SPECIES.length();

    private final int heads;
    private final int tokens;
    private final int reps;
    private final int rank; // d
    private final int k2; // 2d
    private final int kp; // 2d padded to L
    private final int np; // tokens padded to L
    private final int stride; // heads·np, one replica
    private final float[] f; // per head tokens×kp: (B_i, A_i, 0…); null for dense heads
    private final boolean dense; // heads multiply by their N×N matrix instead of the factors
    private final int rows; // rows of a head's product matrix: k2 (factored) or tokens (dense)
    // per head rows×np: (A, B) transposed, Pᵀ (factored), or s_t·(A·Bᵀ + B·Aᵀ) by columns (dense)
    private final float[] ft;
    private final float productScale; // 1 (factored: v carries −a·s_t) or −a (dense)
    // rows when the field computes each chunk's product itself (np < 4L), 0 when productPair and
    // productOne compute it into pg first
    private final int inlineRows;
    // the loops with constant strides (see withGeneralLoops): the projection when the factor rows
    // are one vector (kp = L), the product and field of heads of four chunks (np = 4L)
    private final boolean narrowRows;
    private final boolean fourChunks;
    private final float[] coef; // per head −a·s_t
    private final float[] dw; // heads×np: a·D_i − ρ/2 (penalty) or a·D_i
    private final float[] cst; // heads×np
    private final float[] lin; // heads×np: spin-form h (for energies)
    private final float[] free; // heads×np: 1 free, 0 masked or padding
    private final float halfRho;
    private final boolean penalty;
    private double offset;
    // replica-major state and workspaces
    private final float[] xs;
    private final float[] ys;
    private final float[] xg; // gradient(): input
    private final float[] gg; // gradient(): output
    private final float[] ws; // reps×stride: w(x) of the current pass
    private final float[] cs; // reps×np: Σ_t w
    private final float[] v; // reps×kp
    private final float[] wread; // reps×stride: sign weights of a bSB read-out
    private float[] lastRead; // where readOut finds the signs of the last read-out
    private final float[] gsc; // 2×np: fields of one head for the energies of a read-out
    private final float[] pg; // 2×np: Σ_k Pᵀ_k·v_k of one head for one or two replicas

    private VectorAttention(AttentionProblem p, int reps) {
        this.heads = p.heads();
        this.tokens = p.tokens();
        this.reps = reps;
        LowRankCoupling first = (LowRankCoupling) p.coupling(0);
        this.rank = first.rank();
        this.k2 = 2 * rank;
        this.kp = Math.max(L, (k2 + L - 1) / L * L);
        this.np = (tokens + L - 1) / L * L;
        this.stride = heads * np;
        float a = (float) p.couplingWeight();
        float b = (float) p.linearWeight();
        float rho = (float) p.penaltyWeight();
        this.penalty = heads > 1 && rho != 0f;
        this.halfRho = 0.5f * rho;
        this.dense = denseForm(tokens, k2);
        this.f = dense ? null : new float[heads * tokens * kp];
        this.rows = dense ? tokens : k2;
        this.productScale = dense ? -a : 1f;
        this.inlineRows = inlineRows(np, rows);
        this.narrowRows = kp == L;
        this.fourChunks = np == 4 * L;
        this.coef = new float[heads];
        this.dw = new float[stride];
        this.cst = new float[stride];
        this.lin = new float[stride];
        this.free = new float[stride];
        this.ft = dense ? denseRows(p, a, b) : factoredRows(p, a, b);
        this.pg = new float[2 * np];
        this.v = new float[reps * kp];
        this.xs = new float[reps * stride];
        this.ys = new float[reps * stride];
        this.xg = new float[reps * stride];
        java.util.Arrays.fill(xs, -1f);
        java.util.Arrays.fill(xg, -1f);
        this.gg = new float[reps * stride];
        this.ws = new float[reps * stride];
        this.cs = new float[reps * np];
        this.wread = new float[reps * stride];
        this.lastRead = ws;
        this.gsc = new float[2 * np];
    }

    /**
     * Head t's factors (transposed into factorsT at {@code to}, and into f unless the heads are
     * dense: their product reads the matrix, which {@link #denseRows} builds from the problem's
     * factors), coefficient, diagonal, constant field and mask. A method of its own, so that the
     * JIT compiles this loop over the tokens without the rest of the constructor (with every loop
     * in the constructor, each got an on-stack-replacement compilation of all of it).
     */
    private void loadHead(AttentionProblem p, int t, float a, float b, float[] factorsT, int to) {
        LowRankCoupling c = (LowRankCoupling) p.coupling(t);
        float[] fa = c.factorA();
        float[] fb = c.factorB();
        double[] rd = c.removedDiagonal();
        coef[t] = -a * (float) c.scale();
        int fo = t * tokens * kp;
        float[] d = p.diagonal(t);
        float[] h = p.linear(t);
        if (f != null) {
            for (int i = 0; i < tokens; i++) {
                // B first: the projection then comes out in the order of v (see project)
                System.arraycopy(fb, i * rank, f, fo + i * kp, rank);
                System.arraycopy(fa, i * rank, f, fo + i * kp + rank, rank);
            }
        }
        for (int k = 0; k < rank; k++) {
            int ra = to + k * np;
            int rb = to + (rank + k) * np;
            for (int i = 0; i < tokens; i++) {
                factorsT[ra + i] = fa[i * rank + k];
                factorsT[rb + i] = fb[i * rank + k];
            }
        }
        for (int i = 0; i < tokens; i++) {
            int m = t * np + i;
            dw[m] = a * (float) rd[i] - (penalty ? halfRho : 0f);
            cst[m] = -0.5f * b * h[i] - (d == null ? 0f : 0.5f * a * d[i]);
            free[m] = p.isMasked(i) ? 0f : 1f;
        }
    }

    /** The engine of {@code src}'s problem for {@code reps} replicas, sharing its coupling data. */
    private VectorAttention(VectorAttention src, int reps) {
        this(src, reps, src.inlineRows, src.narrowRows, src.fourChunks);
    }

    /**
     * As {@link #VectorAttention(VectorAttention, int)} with the given {@link #inlineRows} and
     * constant-stride loops.
     */
    private VectorAttention(
            VectorAttention src, int reps, int inlineRows, boolean narrowRows, boolean fourChunks) {
        this.heads = src.heads;
        this.tokens = src.tokens;
        this.reps = reps;
        this.rank = src.rank;
        this.k2 = src.k2;
        this.kp = src.kp;
        this.np = src.np;
        this.stride = src.stride;
        this.f = src.f;
        this.dense = src.dense;
        this.rows = src.rows;
        this.ft = src.ft;
        this.productScale = src.productScale;
        this.inlineRows = inlineRows;
        this.narrowRows = narrowRows;
        this.fourChunks = fourChunks;
        this.coef = src.coef;
        this.dw = src.dw;
        this.cst = src.cst;
        this.lin = src.lin;
        this.free = src.free;
        this.halfRho = src.halfRho;
        this.penalty = src.penalty;
        this.offset = src.offset;
        this.pg = new float[2 * np];
        this.v = new float[reps * kp];
        this.xs = new float[reps * stride];
        this.ys = new float[reps * stride];
        this.xg = new float[reps * stride];
        this.gg = new float[reps * stride];
        java.util.Arrays.fill(xs, -1f);
        java.util.Arrays.fill(xg, -1f);
        this.ws = new float[reps * stride];
        this.cs = new float[reps * np];
        this.wread = new float[reps * stride];
        this.lastRead = ws;
        this.gsc = new float[2 * np];
    }

    /**
     * The {@link #inlineRows} of heads padded to {@code np} tokens with product matrices of {@code
     * rows} rows: {@code rows} when the rows have fewer than four vector chunks, where {@link
     * #productPair} and {@link #productOne} would run only their one-chunk loop (the field then
     * runs the same loop per chunk and keeps the product in registers: stored to pg and loaded back
     * at once, the product of a head at N = 16 waited for the store, 15 % of a digits-model solve);
     * 0 otherwise (four chunks per pass share each broadcast coefficient).
     */
    static int inlineRows(int np, int rows) {
        return np < 4 * L ? rows : 0;
    }

    /**
     * This engine with the products computed through pg ({@code inline} false) or in the field
     * loop, whatever {@link #inlineRows} would choose (for tests: the two give the same bits).
     */
    VectorAttention withProductInline(boolean inline) {
        return new VectorAttention(this, reps, inline ? rows : 0, narrowRows, fourChunks);
    }

    /**
     * This engine without the loops specialised for constant strides ({@link #projectPairNarrow},
     * the four-chunk product of {@link #fieldPair} and {@link #updatePairOfFour}): for tests, the
     * general loops give the same bits.
     */
    VectorAttention withGeneralLoops() {
        return new VectorAttention(this, reps, inlineRows, false, false);
    }

    /** Whether this engine uses a loop specialised for constant strides (see withGeneralLoops). */
    boolean usesConstantStrides() {
        return (narrowRows && !dense) || (fourChunks && inlineRows == 0);
    }

    /** This engine for {@code reps} replicas (shares the coupling data, new workspaces). */
    VectorAttention withReplicas(int reps) {
        return new VectorAttention(this, reps);
    }

    /**
     * Whether heads of N tokens and 2d factor columns multiply by their N×N matrix: per head and
     * replica the factored product costs N·⌈2d/L⌉ + 2d·⌈N/L⌉ vector FMAs (v from Fᵀw, then P·v),
     * the dense one N·⌈N/L⌉ (L the vector width); dense is chosen when it needs at most three
     * quarters of the factored FMAs (the matrix is built once per problem, N·2d·⌈N/L⌉ FMAs per
     * head: about 28 factored steps at the authors' sizes, recovered within 50 steps of one
     * replica). With L = 16: the authors' workload (N = 49, d = 32) 196 against 452, the digits
     * model's heads (N = 16, d = 8) 16 against 32; the paper's vision heads (N = 49, d = 8) stay
     * factored (113 against 196).
     */
    static boolean denseForm(int tokens, int k2) {
        long np = (tokens + L - 1) / L;
        long kv = Math.max(1, (k2 + L - 1) / L);
        long factored = tokens * kv + k2 * np;
        long full = tokens * np;
        return 4 * full <= 3 * factored;
    }

    /**
     * The dense product matrices (with {@link #loadHead} of every head, whose transposed factors
     * pass through one scratch of 2d×np): for head t, row j (np floats) is column j of s_t·(A·Bᵀ +
     * B·Aᵀ) (the removed diagonal included, as in the factored product; dw takes it out again),
     * i.e. Σ_k Pᵀ_k·v_k with v = s_t·(B_j, A_j) (A_j, B_j read from the problem's factors),
     * accumulated as {@link #productOne} does; the field multiplies the product by −a.
     */
    private float[] denseRows(AttentionProblem p, float a, float b) {
        float[] out = new float[heads * tokens * np];
        // one head's transposed factors at a time (the padding lanes stay zero)
        float[] factorsT = new float[k2 * np];
        for (int t = 0; t < heads; t++) {
            loadHead(p, t, a, b, factorsT, 0);
            LowRankCoupling c = (LowRankCoupling) p.coupling(t);
            denseHead(
                    factorsT, 0, c.factorA(), c.factorB(), (float) c.scale(), out, t * tokens * np);
        }
        return out;
    }

    /** Every head's factors, transposed (heads×2d×np), with {@link #loadHead} of every head. */
    private float[] factoredRows(AttentionProblem p, float a, float b) {
        float[] factorsT = new float[heads * k2 * np];
        for (int t = 0; t < heads; t++) {
            loadHead(p, t, a, b, factorsT, t * k2 * np);
        }
        return factorsT;
    }

    /**
     * The rows of one head's dense matrix (see {@link #denseRows}) into {@code out[oo..]}, four
     * rows per pass: four independent FMA chains, each summing over k in the order of {@link
     * #productOne} (one chain at a time waited on every FMA's latency).
     */
    private void denseHead(
            float[] ft, int to, float[] fa, float[] fb, float sc, float[] out, int oo) {
        int j = 0;
        for (; j + 3 < tokens; j += 4) {
            denseRowsOfFour(ft, to, fa, fb, sc, out, oo, j);
        }
        for (; j < tokens; j++) {
            denseRow(ft, to, fa, fb, sc, out, oo, j);
        }
    }

    /**
     * Rows j … j + 3 of {@link #denseHead}. The loops over the rows' chunks live here and in {@link
     * #denseRow}, so that the JIT compiles them on their own: with them in denseHead, each loop got
     * an on-stack-replacement compilation of the whole method before the normal one (three C2
     * compilations of 1 230 bytes of bytecode in one digits training run).
     */
    private void denseRowsOfFour(
            float[] ft, int to, float[] fa, float[] fb, float sc, float[] out, int oo, int j) {
        int d = rank;
        int o0 = j * d;
        int o1 = o0 + d;
        int o2 = o1 + d;
        int o3 = o2 + d;
        int jj = 0;
        // two chunks of the rows per pass: each coefficient broadcast serves two FMAs
        for (; jj + L < np; jj += 2 * L) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            for (int k = 0; k < d; k++) {
                int o = to + k * np + jj;
                FloatVector fk = FloatVector.fromArray(SPECIES, ft, o);
                FloatVector gk = FloatVector.fromArray(SPECIES, ft, o + L);
                FloatVector s0 = bc(sc * fb[o0 + k]);
                FloatVector s1 = bc(sc * fb[o1 + k]);
                FloatVector s2 = bc(sc * fb[o2 + k]);
                FloatVector s3 = bc(sc * fb[o3 + k]);
                a0 = fk.fma(s0, a0);
                a1 = fk.fma(s1, a1);
                a2 = fk.fma(s2, a2);
                a3 = fk.fma(s3, a3);
                b0 = gk.fma(s0, b0);
                b1 = gk.fma(s1, b1);
                b2 = gk.fma(s2, b2);
                b3 = gk.fma(s3, b3);
            }
            for (int k = 0; k < d; k++) {
                int o = to + (d + k) * np + jj;
                FloatVector fk = FloatVector.fromArray(SPECIES, ft, o);
                FloatVector gk = FloatVector.fromArray(SPECIES, ft, o + L);
                FloatVector s0 = bc(sc * fa[o0 + k]);
                FloatVector s1 = bc(sc * fa[o1 + k]);
                FloatVector s2 = bc(sc * fa[o2 + k]);
                FloatVector s3 = bc(sc * fa[o3 + k]);
                a0 = fk.fma(s0, a0);
                a1 = fk.fma(s1, a1);
                a2 = fk.fma(s2, a2);
                a3 = fk.fma(s3, a3);
                b0 = gk.fma(s0, b0);
                b1 = gk.fma(s1, b1);
                b2 = gk.fma(s2, b2);
                b3 = gk.fma(s3, b3);
            }
            int r0 = oo + j * np + jj;
            a0.intoArray(out, r0);
            a1.intoArray(out, r0 + np);
            a2.intoArray(out, r0 + 2 * np);
            a3.intoArray(out, r0 + 3 * np);
            b0.intoArray(out, r0 + L);
            b1.intoArray(out, r0 + np + L);
            b2.intoArray(out, r0 + 2 * np + L);
            b3.intoArray(out, r0 + 3 * np + L);
        }
        for (; jj < np; jj += L) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int k = 0; k < d; k++) {
                FloatVector fk = FloatVector.fromArray(SPECIES, ft, to + k * np + jj);
                a0 = fk.fma(bc(sc * fb[o0 + k]), a0);
                a1 = fk.fma(bc(sc * fb[o1 + k]), a1);
                a2 = fk.fma(bc(sc * fb[o2 + k]), a2);
                a3 = fk.fma(bc(sc * fb[o3 + k]), a3);
            }
            for (int k = 0; k < d; k++) {
                FloatVector fk = FloatVector.fromArray(SPECIES, ft, to + (d + k) * np + jj);
                a0 = fk.fma(bc(sc * fa[o0 + k]), a0);
                a1 = fk.fma(bc(sc * fa[o1 + k]), a1);
                a2 = fk.fma(bc(sc * fa[o2 + k]), a2);
                a3 = fk.fma(bc(sc * fa[o3 + k]), a3);
            }
            int r0 = oo + j * np + jj;
            a0.intoArray(out, r0);
            a1.intoArray(out, r0 + np);
            a2.intoArray(out, r0 + 2 * np);
            a3.intoArray(out, r0 + 3 * np);
        }
    }

    /** Row j of {@link #denseHead} (one of the last rows, fewer than four). */
    private void denseRow(
            float[] ft, int to, float[] fa, float[] fb, float sc, float[] out, int oo, int j) {
        int d = rank;
        int o0 = j * d;
        for (int jj = 0; jj < np; jj += L) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            for (int k = 0; k < d; k++) {
                a0 =
                        FloatVector.fromArray(SPECIES, ft, to + k * np + jj)
                                .fma(bc(sc * fb[o0 + k]), a0);
            }
            for (int k = 0; k < d; k++) {
                a0 =
                        FloatVector.fromArray(SPECIES, ft, to + (d + k) * np + jj)
                                .fma(bc(sc * fa[o0 + k]), a0);
            }
            a0.intoArray(out, oo + j * np + jj);
        }
    }

    /** Entry (i, j) of head t's dense matrix (column j at row i), or NaN for factored heads. */
    float denseEntry(int t, int i, int j) {
        return dense ? ft[t * tokens * np + j * np + i] : Float.NaN;
    }

    /**
     * The engine of {@code p} for {@code reps} replicas, or null if it does not apply (q ≠ 1, or a
     * head whose coupling is not low-rank, or ranks that differ between heads).
     */
    static VectorAttention create(AttentionProblem p, int reps) {
        if (p.bits() != 1 || p.heads() == 0 || p.tokens() == 0) {
            return null;
        }
        int r = -1;
        for (int t = 0; t < p.heads(); t++) {
            if (!(p.coupling(t) instanceof LowRankCoupling l) || (r >= 0 && l.rank() != r)) {
                return null;
            }
            r = l.rank();
        }
        return r > 0 ? new VectorAttention(p, reps) : null;
    }

    /** Sets the spin-form h (n values, v = t·N + i) and c, used by the energies of read-outs. */
    void setLinearAndOffset(double[] h, double c) {
        for (int t = 0; t < heads; t++) {
            for (int i = 0; i < tokens; i++) {
                lin[t * np + i] = (float) h[t * tokens + i];
            }
        }
        this.offset = c;
    }

    /**
     * Σ_{i&lt;j} J_ij² of head t's coupling {@code c}, from the 2d×2d Gram matrix FᵀF of its factor
     * rows (each Gram row accumulated in registers over the tokens; the scalar {@link
     * AttentionSystem#upperSquares} computes the same sums), or for dense heads from the matrix.
     */
    private double upperSquares(int t, LowRankCoupling c) {
        if (dense) {
            return 0.5 * denseSquares(t);
        }
        int n = tokens;
        int r = rank;
        int fo = t * n * kp;
        float[] gram = new float[k2 * kp];
        int k = 0;
        // four Gram rows per pass over the tokens: one load of F_i serves four FMA chains
        for (; k + 3 < k2; k += 4) {
            for (int j = 0; j < kp; j += L) {
                FloatVector g0 = FloatVector.zero(SPECIES);
                FloatVector g1 = g0;
                FloatVector g2 = g0;
                FloatVector g3 = g0;
                for (int i = 0; i < n; i++) {
                    int o = fo + i * kp;
                    FloatVector fi = FloatVector.fromArray(SPECIES, f, o + j);
                    g0 = fi.fma(bc(f[o + k]), g0);
                    g1 = fi.fma(bc(f[o + k + 1]), g1);
                    g2 = fi.fma(bc(f[o + k + 2]), g2);
                    g3 = fi.fma(bc(f[o + k + 3]), g3);
                }
                g0.intoArray(gram, k * kp + j);
                g1.intoArray(gram, (k + 1) * kp + j);
                g2.intoArray(gram, (k + 2) * kp + j);
                g3.intoArray(gram, (k + 3) * kp + j);
            }
        }
        for (; k < k2; k++) {
            for (int j = 0; j < kp; j += L) {
                FloatVector g0 = FloatVector.zero(SPECIES);
                for (int i = 0; i < n; i++) {
                    int o = fo + i * kp;
                    g0 = FloatVector.fromArray(SPECIES, f, o + j).fma(bc(f[o + k]), g0);
                }
                g0.intoArray(gram, k * kp + j);
            }
        }
        // G = [[BᵀB, BᵀA], [AᵀB, AᵀA]] (F_i = (B_i, A_i)); ‖ABᵀ + BAᵀ‖² = 2·tr((BᵀA)²) +
        // 2·tr(AᵀA·BᵀB), summed over the same products in the same order as with (A_i, B_i)
        int kw = kp;
        double t1 = 0;
        double t2 = 0;
        for (int x = 0; x < r; x++) {
            for (int y = 0; y < r; y++) {
                t1 += (double) gram[x * kw + r + y] * gram[y * kw + r + x];
                t2 += (double) gram[(r + x) * kw + r + y] * gram[y * kw + x];
            }
        }
        return c.sumSquaresUpperFromTraces(t1, t2);
    }

    /**
     * {@link #upperSquares} of every head of {@code p} (head t's coupling is {@code
     * p.coupling(t)}), the dense heads' sums computed four heads at a time: each head's sum is one
     * chain of double additions in the order of {@link #denseSquares}, and one chain alone waits on
     * every addition's latency.
     */
    double[] upperSquares(AttentionProblem p) {
        double[] out = new double[heads];
        if (!dense) {
            for (int t = 0; t < heads; t++) {
                out[t] = upperSquares(t, (LowRankCoupling) p.coupling(t));
            }
            return out;
        }
        int t = 0;
        for (; t + 3 < heads; t += 4) {
            denseSquaresOfFour(t, out);
        }
        for (; t < heads; t++) {
            out[t] = 0.5 * denseSquares(t);
        }
        return out;
    }

    /**
     * Σ_{i≠j} M_ij² of head t's dense rows (M = C plus its diagonal, so Σ_{i&lt;j} C_ij² is half of
     * it), summed in double row by row, in each row over i &lt; j and then i &gt; j.
     */
    private double denseSquares(int t) {
        double acc = 0;
        int o = t * tokens * np;
        for (int j = 0; j < tokens; j++) {
            int row = o + j * np;
            for (int i = 0; i < j; i++) {
                double m = ft[row + i];
                acc += m * m;
            }
            for (int i = j + 1; i < tokens; i++) {
                double m = ft[row + i];
                acc += m * m;
            }
        }
        return acc;
    }

    /**
     * out[t..t+3] = ½·{@link #denseSquares} of heads t … t + 3, as four independent chains (each in
     * the order of {@link #denseSquares}, so the same values).
     */
    private void denseSquaresOfFour(int t, double[] out) {
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int head = tokens * np;
        int o = t * head;
        for (int j = 0; j < tokens; j++) {
            int row = o + j * np;
            for (int i = 0; i < tokens; i++) {
                if (i == j) {
                    continue;
                }
                double m0 = ft[row + i];
                double m1 = ft[row + head + i];
                double m2 = ft[row + 2 * head + i];
                double m3 = ft[row + 3 * head + i];
                a0 += m0 * m0;
                a1 += m1 * m1;
                a2 += m2 * m2;
                a3 += m3 * m3;
            }
        }
        out[t] = 0.5 * a0;
        out[t + 1] = 0.5 * a1;
        out[t + 2] = 0.5 * a2;
        out[t + 3] = 0.5 * a3;
    }

    /** g = h + J·x in the n×R row-major layout of {@link SpinSystem} (x may be any amplitudes). */
    void gradient(float[] x, float[] g) {
        int r = reps;
        for (int c = 0; c < r; c++) {
            for (int t = 0; t < heads; t++) {
                int src = t * tokens * r + c;
                int dst = c * stride + t * np;
                for (int i = 0; i < tokens; i++) {
                    xg[dst + i] = x[src + i * r];
                }
            }
        }
        pass(xg, reps, false, gg, null, false, 0f, 0f, 0f, 0f);
        toRows(gg, g);
    }

    /** dst (n×R row-major, as {@link SpinSystem}) = src (this engine's layout), value by value. */
    private void toRows(float[] src, float[] dst) {
        int r = reps;
        for (int c = 0; c < r; c++) {
            for (int t = 0; t < heads; t++) {
                int to = t * tokens * r + c;
                int from = c * stride + t * np;
                for (int i = 0; i < tokens; i++) {
                    dst[to + i * r] = src[from + i];
                }
            }
        }
    }

    /** s (n×R row-major) = 2w − 1 of the sign weights w (0 or 1, this engine's layout). */
    private void signsToRows(float[] w, float[] s) {
        int r = reps;
        for (int c = 0; c < r; c++) {
            for (int t = 0; t < heads; t++) {
                int to = t * tokens * r + c;
                int from = c * stride + t * np;
                for (int i = 0; i < tokens; i++) {
                    s[to + i * r] = 2f * w[from + i] - 1f;
                }
            }
        }
    }

    /**
     * g (n values, v = t·N + i) = the gradient at amplitudes x_v = {@code x0} for every spin,
     * computed on replica 0 alone (the same operations per spin as {@link #gradient}, so the same
     * values): what the set-up needs for h = g(0) and c.
     */
    void gradientAt(float x0, float[] g) {
        for (int t = 0; t < heads; t++) {
            java.util.Arrays.fill(xg, t * np, t * np + tokens, x0);
        }
        pass(xg, 1, false, gg, null, false, 0f, 0f, 0f, 0f);
        for (int t = 0; t < heads; t++) {
            System.arraycopy(gg, t * np, g, t * tokens, tokens);
        }
    }

    @Override
    public void load(float[] x, float[] y) {
        int r = reps;
        for (int c = 0; c < r; c++) {
            for (int t = 0; t < heads; t++) {
                int src = t * tokens * r + c;
                int dst = c * stride + t * np;
                for (int i = 0; i < tokens; i++) {
                    boolean fixed = free[t * np + i] == 0f;
                    xs[dst + i] = fixed ? -1f : x[src + i * r];
                    ys[dst + i] = fixed ? 0f : y[src + i * r];
                }
            }
        }
    }

    @Override
    public void readOut(float[] s) {
        signsToRows(lastRead, s);
    }

    @Override
    public void signsAndGradient(float[] s, float[] g) {
        // the field at the sign weights of xs is that of gradient() at s = sign(x): w = [x > 0]
        // there and (s + 1)/2 here are the same 0 or 1
        pass(xs, reps, true, gg, null, false, 0f, 0f, 0f, 0f);
        signsToRows(ws, s);
        toRows(gg, g);
    }

    @Override
    public void store(float[] x, float[] y) {
        toRows(xs, x);
        toRows(ys, y);
    }

    @Override
    public void step(
            boolean discrete, boolean eval, float damp, float xi, float dt, float a0, double[] e) {
        if (eval) {
            java.util.Arrays.fill(e, 0, reps, 0.0);
            if (!discrete) {
                // energies at the signs, then the step with the force at the amplitudes
                pass(xs, reps, true, null, e, false, 0f, 0f, 0f, 0f);
                System.arraycopy(ws, 0, wread, 0, ws.length);
                lastRead = wread;
            } else {
                lastRead = ws;
            }
        }
        pass(xs, reps, discrete, null, discrete && eval ? e : null, true, damp, xi, dt, a0);
        if (eval) {
            for (int c = 0; c < reps; c++) {
                e[c] = offset + 0.5 * e[c];
            }
        }
    }

    /**
     * One pass over all heads and the first {@code r} replicas: the field at w(x) — w = [x &gt; 0]
     * with {@code signs}, (x + 1)/2 otherwise — then per chunk: stored to {@code gout} (if not
     * null), Σ s·(h + g) added to {@code e} (if not null), and with {@code update} the SB update of
     * x and y (state arrays).
     */
    private void pass(
            float[] x,
            int r,
            boolean signs,
            float[] gout,
            double[] e,
            boolean update,
            float damp,
            float xi,
            float dt,
            float a0) {
        weights(x, r, signs);
        boolean fast =
                fourChunks && inlineRows == 0 && update && gout == null && e == null && x == xs;
        for (int t = 0; t < heads; t++) {
            project(t, r);
            int c = 0;
            for (; c + 1 < r; c += 2) {
                if (fast) {
                    updatePairOfFour(t, c, damp, xi, dt, a0);
                } else {
                    fieldPair(x, t, c, gout, e, update, damp, xi, dt, a0);
                }
            }
            if (c < r) {
                fieldOne(x, t, c, gout, e, update, damp, xi, dt, a0);
            }
        }
    }

    /**
     * ws = w(x) (branch-free), and cs[c][i] = Σ_t ws[c][t][i] if there is a penalty, for the first
     * r replicas.
     *
     * <p>The weight is computed here, not in a helper taking the vector: a helper compiled on its
     * own (and then called, not inlined, once its code was large) sees a vector of unknown class,
     * and its operations ran as the Vector API's Java fallback (measured: a third more CPU per
     * digits-model solve in one of two class loaders of the same build).
     */
    private void weights(float[] x, int r, boolean signs) {
        for (int c = 0; c < r; c++) {
            int xo = c * stride;
            int co = c * np;
            for (int j = 0; j < np; j += L) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int t = 0; t < heads; t++) {
                    int o = xo + t * np + j;
                    FloatVector xv = FloatVector.fromArray(SPECIES, x, o);
                    FloatVector w =
                            signs
                                    ? FloatVector.zero(SPECIES)
                                            .blend(1f, xv.compare(VectorOperators.GT, 0f))
                                    : xv.add(1f).mul(0.5f);
                    w.intoArray(ws, o);
                    acc = acc.add(w);
                }
                if (penalty) {
                    acc.intoArray(cs, co + j);
                }
            }
        }
    }

    /**
     * v_c = −a·s_t·Σ_i F_i·w_ic = −a·s_t·(Bᵀw_c, Aᵀw_c) for head t and the first r replicas, each
     * chunk scaled in registers (F_i holds B_i before A_i for this: with (A_i, B_i), the sums went
     * through memory to have their halves swapped, and the scalar loads waited for the vector
     * stores).
     */
    private void project(int t, int r) {
        if (dense) {
            return; // the product reads the weights themselves
        }
        float[] w = ws;
        int n = tokens;
        int fo = t * n * kp;
        float k = coef[t];
        int c = 0;
        if (narrowRows) {
            for (; c + 1 < r; c += 2) {
                int x0 = c * stride + t * np;
                projectPairNarrow(fo, x0, x0 + stride, k, c * kp);
            }
        }
        for (; c + 1 < r; c += 2) {
            int x0 = c * stride + t * np;
            int x1 = x0 + stride;
            for (int j = 0; j < kp; j += L) {
                // four tokens per pass: eight independent FMA chains
                FloatVector p0 = FloatVector.zero(SPECIES);
                FloatVector p1 = p0;
                FloatVector q0 = p0;
                FloatVector q1 = p0;
                FloatVector r0 = p0;
                FloatVector r1 = p0;
                FloatVector s0 = p0;
                FloatVector s1 = p0;
                int i = 0;
                for (; i + 3 < n; i += 4) {
                    int o = fo + i * kp + j;
                    FloatVector fa = FloatVector.fromArray(SPECIES, f, o);
                    FloatVector fb = FloatVector.fromArray(SPECIES, f, o + kp);
                    FloatVector fc = FloatVector.fromArray(SPECIES, f, o + 2 * kp);
                    FloatVector fd = FloatVector.fromArray(SPECIES, f, o + 3 * kp);
                    p0 = fa.fma(bc(w[x0 + i]), p0);
                    p1 = fa.fma(bc(w[x1 + i]), p1);
                    q0 = fb.fma(bc(w[x0 + i + 1]), q0);
                    q1 = fb.fma(bc(w[x1 + i + 1]), q1);
                    r0 = fc.fma(bc(w[x0 + i + 2]), r0);
                    r1 = fc.fma(bc(w[x1 + i + 2]), r1);
                    s0 = fd.fma(bc(w[x0 + i + 3]), s0);
                    s1 = fd.fma(bc(w[x1 + i + 3]), s1);
                }
                p0 = p0.add(r0);
                p1 = p1.add(r1);
                q0 = q0.add(s0);
                q1 = q1.add(s1);
                for (; i + 1 < n; i += 2) {
                    FloatVector fi = FloatVector.fromArray(SPECIES, f, fo + i * kp + j);
                    FloatVector fk = FloatVector.fromArray(SPECIES, f, fo + (i + 1) * kp + j);
                    p0 = fi.fma(bc(w[x0 + i]), p0);
                    p1 = fi.fma(bc(w[x1 + i]), p1);
                    q0 = fk.fma(bc(w[x0 + i + 1]), q0);
                    q1 = fk.fma(bc(w[x1 + i + 1]), q1);
                }
                if (i < n) {
                    FloatVector fi = FloatVector.fromArray(SPECIES, f, fo + i * kp + j);
                    p0 = fi.fma(bc(w[x0 + i]), p0);
                    p1 = fi.fma(bc(w[x1 + i]), p1);
                }
                p0.add(q0).mul(k).intoArray(v, c * kp + j);
                p1.add(q1).mul(k).intoArray(v, (c + 1) * kp + j);
            }
        }
        if (c < r) {
            int x0 = c * stride + t * np;
            for (int j = 0; j < kp; j += L) {
                FloatVector p0 = FloatVector.zero(SPECIES);
                FloatVector q0 = FloatVector.zero(SPECIES);
                int i = 0;
                for (; i + 1 < n; i += 2) {
                    p0 = FloatVector.fromArray(SPECIES, f, fo + i * kp + j).fma(bc(w[x0 + i]), p0);
                    q0 =
                            FloatVector.fromArray(SPECIES, f, fo + (i + 1) * kp + j)
                                    .fma(bc(w[x0 + i + 1]), q0);
                }
                if (i < n) {
                    p0 = FloatVector.fromArray(SPECIES, f, fo + i * kp + j).fma(bc(w[x0 + i]), p0);
                }
                p0.add(q0).mul(k).intoArray(v, c * kp + j);
            }
        }
    }

    /**
     * {@link #project} of two replicas (weights at x0 and x1 of ws, v at vo and vo + kp) when the
     * factor rows are one vector (kp = L): the loop of the general case with its token stride the
     * constant L, so that the JIT removes the range checks from the loop and keeps it a counted
     * loop (with the stride kp, every load was checked in the loop and the loop polled for a
     * safepoint on every pass). The same FMA chains in the same order.
     */
    private void projectPairNarrow(int fo, int x0, int x1, float k, int vo) {
        float[] w = ws;
        float[] fr = f;
        int n = tokens;
        FloatVector p0 = FloatVector.zero(SPECIES);
        FloatVector p1 = p0;
        FloatVector q0 = p0;
        FloatVector q1 = p0;
        FloatVector r0 = p0;
        FloatVector r1 = p0;
        FloatVector s0 = p0;
        FloatVector s1 = p0;
        int n4 = n - 3;
        int i = 0;
        for (; i < n4; i += 4) {
            int o = fo + i * L;
            FloatVector fa = FloatVector.fromArray(SPECIES, fr, o);
            FloatVector fb = FloatVector.fromArray(SPECIES, fr, o + L);
            FloatVector fc = FloatVector.fromArray(SPECIES, fr, o + 2 * L);
            FloatVector fd = FloatVector.fromArray(SPECIES, fr, o + 3 * L);
            p0 = fa.fma(bc(w[x0 + i]), p0);
            p1 = fa.fma(bc(w[x1 + i]), p1);
            q0 = fb.fma(bc(w[x0 + i + 1]), q0);
            q1 = fb.fma(bc(w[x1 + i + 1]), q1);
            r0 = fc.fma(bc(w[x0 + i + 2]), r0);
            r1 = fc.fma(bc(w[x1 + i + 2]), r1);
            s0 = fd.fma(bc(w[x0 + i + 3]), s0);
            s1 = fd.fma(bc(w[x1 + i + 3]), s1);
        }
        p0 = p0.add(r0);
        p1 = p1.add(r1);
        q0 = q0.add(s0);
        q1 = q1.add(s1);
        if (i + 1 < n) {
            // fewer than four tokens are left: at most one pair, then at most one token
            FloatVector fi = FloatVector.fromArray(SPECIES, fr, fo + i * L);
            FloatVector fk = FloatVector.fromArray(SPECIES, fr, fo + (i + 1) * L);
            p0 = fi.fma(bc(w[x0 + i]), p0);
            p1 = fi.fma(bc(w[x1 + i]), p1);
            q0 = fk.fma(bc(w[x0 + i + 1]), q0);
            q1 = fk.fma(bc(w[x1 + i + 1]), q1);
            i += 2;
        }
        if (i < n) {
            FloatVector fi = FloatVector.fromArray(SPECIES, fr, fo + i * L);
            p0 = fi.fma(bc(w[x0 + i]), p0);
            p1 = fi.fma(bc(w[x1 + i]), p1);
        }
        p0.add(q0).mul(k).intoArray(v, vo);
        p1.add(q1).mul(k).intoArray(v, vo + kp);
    }

    /**
     * The SB update of head t for replicas c and c + 1 (the pass of a step without read-out, x =
     * xs) on heads of four chunks: {@link #fieldPair} with {@code gout} and {@code e} null, the
     * product kept in registers.
     */
    private void updatePairOfFour(int t, int c, float damp, float xi, float dt, float a0) {
        int ho = t * np;
        int x0 = c * stride + ho;
        int x1 = x0 + stride;
        int c0 = c * np;
        int c1 = c0 + np;
        float[] pv = dense ? ws : v;
        int v0 = dense ? x0 : c * kp;
        int v1 = dense ? x1 : (c + 1) * kp;
        int to = t * rows * np;
        FloatVector pa0 = FloatVector.zero(SPECIES);
        FloatVector pa1 = pa0;
        FloatVector pa2 = pa0;
        FloatVector pa3 = pa0;
        FloatVector pb0 = pa0;
        FloatVector pb1 = pa0;
        FloatVector pb2 = pa0;
        FloatVector pb3 = pa0;
        for (int k = 0; k < rows; k++) {
            FloatVector s0 = bc(pv[v0 + k]);
            FloatVector s1 = bc(pv[v1 + k]);
            int o = to + k * (4 * L);
            FloatVector f0 = FloatVector.fromArray(SPECIES, ft, o);
            FloatVector f1 = FloatVector.fromArray(SPECIES, ft, o + L);
            FloatVector f2 = FloatVector.fromArray(SPECIES, ft, o + 2 * L);
            FloatVector f3 = FloatVector.fromArray(SPECIES, ft, o + 3 * L);
            pa0 = f0.fma(s0, pa0);
            pa1 = f1.fma(s0, pa1);
            pa2 = f2.fma(s0, pa2);
            pa3 = f3.fma(s0, pa3);
            pb0 = f0.fma(s1, pb0);
            pb1 = f1.fma(s1, pb1);
            pb2 = f2.fma(s1, pb2);
            pb3 = f3.fma(s1, pb3);
        }
        FloatVector kr = FloatVector.broadcast(SPECIES, halfRho);
        FloatVector ps = FloatVector.broadcast(SPECIES, productScale);
        FloatVector vcx = FloatVector.broadcast(SPECIES, -damp * dt);
        FloatVector vcg = FloatVector.broadcast(SPECIES, -xi * dt);
        FloatVector vcy = FloatVector.broadcast(SPECIES, a0 * dt);
        boolean pen = penalty;
        for (int j = 0; j < 4 * L; j += L) {
            FloatVector xv0 = FloatVector.fromArray(SPECIES, xs, x0 + j);
            FloatVector xv1 = FloatVector.fromArray(SPECIES, xs, x1 + j);
            FloatVector dwv = FloatVector.fromArray(SPECIES, dw, ho + j);
            FloatVector base = FloatVector.fromArray(SPECIES, cst, ho + j);
            FloatVector p0 = pa0;
            FloatVector p1 = pb0;
            pa0 = pa1;
            pa1 = pa2;
            pa2 = pa3;
            pb0 = pb1;
            pb1 = pb2;
            pb2 = pb3;
            FloatVector g0 = dwv.fma(FloatVector.fromArray(SPECIES, ws, x0 + j), p0.fma(ps, base));
            FloatVector g1 = dwv.fma(FloatVector.fromArray(SPECIES, ws, x1 + j), p1.fma(ps, base));
            if (pen) {
                g0 = FloatVector.fromArray(SPECIES, cs, c0 + j).fma(kr, g0);
                g1 = FloatVector.fromArray(SPECIES, cs, c1 + j).fma(kr, g1);
            }
            FloatVector fr = FloatVector.fromArray(SPECIES, free, ho + j);
            FloatVector y0 = FloatVector.fromArray(SPECIES, ys, x0 + j);
            FloatVector y1 = FloatVector.fromArray(SPECIES, ys, x1 + j);
            y0 = xv0.fma(vcx, g0.fma(vcg, y0)).mul(fr);
            y1 = xv1.fma(vcx, g1.fma(vcg, y1)).mul(fr);
            FloatVector n0 = y0.fma(vcy, xv0);
            FloatVector n1 = y1.fma(vcy, xv1);
            n0.max(-1f).min(1f).intoArray(xs, x0 + j);
            n1.max(-1f).min(1f).intoArray(xs, x1 + j);
            y0.blend(0f, n0.abs().compare(VectorOperators.GT, 1f)).intoArray(ys, x0 + j);
            y1.blend(0f, n1.abs().compare(VectorOperators.GT, 1f)).intoArray(ys, x1 + j);
        }
    }

    /** Field (and energy, update) of head t for replicas c and c + 1. */
    private void fieldPair(
            float[] x,
            int t,
            int c,
            float[] gout,
            double[] e,
            boolean update,
            float damp,
            float xi,
            float dt,
            float a0) {
        int ho = t * np;
        int x0 = c * stride + ho;
        int x1 = x0 + stride;
        int c0 = c * np;
        int c1 = c0 + np;
        float[] pv = dense ? ws : v; // the product's coefficients: weights or v
        int v0 = dense ? x0 : c * kp;
        int v1 = dense ? x1 : (c + 1) * kp;
        int to = t * rows * np;
        int kk = inlineRows; // 0 unless the product of each chunk is computed here
        // rows of exactly four chunks (N = 49 … 64): the product of productPair's four-chunk pass
        // is computed here and kept in registers (pa for replica c, pb for c + 1), handed to the
        // chunks in turn (pg was stored and loaded back at once)
        boolean four = kk == 0 && fourChunks;
        FloatVector pa0 = FloatVector.zero(SPECIES);
        FloatVector pa1 = pa0;
        FloatVector pa2 = pa0;
        FloatVector pa3 = pa0;
        FloatVector pb0 = pa0;
        FloatVector pb1 = pa0;
        FloatVector pb2 = pa0;
        FloatVector pb3 = pa0;
        if (four) {
            // productPair's loop with the row stride the constant 4L: no range checks in the loop
            for (int k = 0; k < rows; k++) {
                FloatVector s0 = bc(pv[v0 + k]);
                FloatVector s1 = bc(pv[v1 + k]);
                int o = to + k * (4 * L);
                FloatVector f0 = FloatVector.fromArray(SPECIES, ft, o);
                FloatVector f1 = FloatVector.fromArray(SPECIES, ft, o + L);
                FloatVector f2 = FloatVector.fromArray(SPECIES, ft, o + 2 * L);
                FloatVector f3 = FloatVector.fromArray(SPECIES, ft, o + 3 * L);
                pa0 = f0.fma(s0, pa0);
                pa1 = f1.fma(s0, pa1);
                pa2 = f2.fma(s0, pa2);
                pa3 = f3.fma(s0, pa3);
                pb0 = f0.fma(s1, pb0);
                pb1 = f1.fma(s1, pb1);
                pb2 = f2.fma(s1, pb2);
                pb3 = f3.fma(s1, pb3);
            }
        } else if (kk == 0) {
            productPair(ft, to, rows, pv, v0, v1);
        }
        FloatVector kr = FloatVector.broadcast(SPECIES, halfRho);
        FloatVector ps = FloatVector.broadcast(SPECIES, productScale);
        FloatVector vcx = FloatVector.broadcast(SPECIES, -damp * dt);
        FloatVector vcg = FloatVector.broadcast(SPECIES, -xi * dt);
        FloatVector vcy = FloatVector.broadcast(SPECIES, a0 * dt);
        for (int j = 0; j < np; j += L) {
            FloatVector xv0 = FloatVector.fromArray(SPECIES, x, x0 + j);
            FloatVector xv1 = FloatVector.fromArray(SPECIES, x, x1 + j);
            FloatVector dwv = FloatVector.fromArray(SPECIES, dw, ho + j);
            FloatVector base = FloatVector.fromArray(SPECIES, cst, ho + j);
            FloatVector p0;
            FloatVector p1;
            if (kk > 0) {
                // this chunk's product, in the order of productPair's chunk loop
                p0 = FloatVector.zero(SPECIES);
                p1 = p0;
                for (int k = 0; k < kk; k++) {
                    FloatVector f0 = FloatVector.fromArray(SPECIES, ft, to + k * np + j);
                    p0 = f0.fma(bc(pv[v0 + k]), p0);
                    p1 = f0.fma(bc(pv[v1 + k]), p1);
                }
            } else if (four) {
                p0 = pa0;
                p1 = pb0;
                pa0 = pa1;
                pa1 = pa2;
                pa2 = pa3;
                pb0 = pb1;
                pb1 = pb2;
                pb2 = pb3;
            } else {
                p0 = FloatVector.fromArray(SPECIES, pg, j);
                p1 = FloatVector.fromArray(SPECIES, pg, np + j);
            }
            FloatVector g0 = dwv.fma(FloatVector.fromArray(SPECIES, ws, x0 + j), p0.fma(ps, base));
            FloatVector g1 = dwv.fma(FloatVector.fromArray(SPECIES, ws, x1 + j), p1.fma(ps, base));
            if (penalty) {
                g0 = FloatVector.fromArray(SPECIES, cs, c0 + j).fma(kr, g0);
                g1 = FloatVector.fromArray(SPECIES, cs, c1 + j).fma(kr, g1);
            }
            if (gout != null) {
                g0.intoArray(gout, x0 + j);
                g1.intoArray(gout, x1 + j);
            }
            if (e != null) {
                g0.intoArray(gsc, j);
                g1.intoArray(gsc, np + j);
            }
            if (update) {
                FloatVector fr = FloatVector.fromArray(SPECIES, free, ho + j);
                FloatVector y0 = FloatVector.fromArray(SPECIES, ys, x0 + j);
                FloatVector y1 = FloatVector.fromArray(SPECIES, ys, x1 + j);
                y0 = xv0.fma(vcx, g0.fma(vcg, y0)).mul(fr);
                y1 = xv1.fma(vcx, g1.fma(vcg, y1)).mul(fr);
                FloatVector n0 = y0.fma(vcy, xv0);
                FloatVector n1 = y1.fma(vcy, xv1);
                n0.max(-1f).min(1f).intoArray(xs, x0 + j);
                n1.max(-1f).min(1f).intoArray(xs, x1 + j);
                y0.blend(0f, n0.abs().compare(VectorOperators.GT, 1f)).intoArray(ys, x0 + j);
                y1.blend(0f, n1.abs().compare(VectorOperators.GT, 1f)).intoArray(ys, x1 + j);
            }
        }
        if (e != null) {
            e[c] += energy(ho, x0, 0);
            e[c + 1] += energy(ho, x1, np);
        }
    }

    /**
     * Σ_i s_i·(h_i + g_i) over one head of one replica, with s = 2w − 1 from the sign weights in ws
     * (at {@code wo}) and g from gsc (at {@code go}).
     */
    private double energy(int ho, int wo, int go) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int j = 0; j < np; j += L) {
            FloatVector s = FloatVector.fromArray(SPECIES, ws, wo + j).mul(2f).sub(1f);
            FloatVector hg =
                    FloatVector.fromArray(SPECIES, lin, ho + j)
                            .add(FloatVector.fromArray(SPECIES, gsc, go + j));
            acc = s.fma(hg, acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Field (and energy, update) of head t for replica c alone. */
    private void fieldOne(
            float[] x,
            int t,
            int c,
            float[] gout,
            double[] e,
            boolean update,
            float damp,
            float xi,
            float dt,
            float a0) {
        int ho = t * np;
        int x0 = c * stride + ho;
        int c0 = c * np;
        float[] pv = dense ? ws : v;
        int v0 = dense ? x0 : c * kp;
        int to = t * rows * np;
        int kk = inlineRows;
        if (kk == 0) {
            productOne(ft, to, rows, pv, v0);
        }
        FloatVector kr = FloatVector.broadcast(SPECIES, halfRho);
        FloatVector ps = FloatVector.broadcast(SPECIES, productScale);
        FloatVector vcx = FloatVector.broadcast(SPECIES, -damp * dt);
        FloatVector vcg = FloatVector.broadcast(SPECIES, -xi * dt);
        FloatVector vcy = FloatVector.broadcast(SPECIES, a0 * dt);
        for (int j = 0; j < np; j += L) {
            FloatVector xv0 = FloatVector.fromArray(SPECIES, x, x0 + j);
            FloatVector dwv = FloatVector.fromArray(SPECIES, dw, ho + j);
            FloatVector p0;
            if (kk > 0) {
                p0 = FloatVector.zero(SPECIES);
                for (int k = 0; k < kk; k++) {
                    p0 =
                            FloatVector.fromArray(SPECIES, ft, to + k * np + j)
                                    .fma(bc(pv[v0 + k]), p0);
                }
            } else {
                p0 = FloatVector.fromArray(SPECIES, pg, j);
            }
            FloatVector g0 =
                    dwv.fma(
                            FloatVector.fromArray(SPECIES, ws, x0 + j),
                            p0.fma(ps, FloatVector.fromArray(SPECIES, cst, ho + j)));
            if (penalty) {
                g0 = FloatVector.fromArray(SPECIES, cs, c0 + j).fma(kr, g0);
            }
            if (gout != null) {
                g0.intoArray(gout, x0 + j);
            }
            if (e != null) {
                g0.intoArray(gsc, j);
            }
            if (update) {
                FloatVector fr = FloatVector.fromArray(SPECIES, free, ho + j);
                FloatVector y0 = FloatVector.fromArray(SPECIES, ys, x0 + j);
                y0 = xv0.fma(vcx, g0.fma(vcg, y0)).mul(fr);
                FloatVector n0 = y0.fma(vcy, xv0);
                n0.max(-1f).min(1f).intoArray(xs, x0 + j);
                y0.blend(0f, n0.abs().compare(VectorOperators.GT, 1f)).intoArray(ys, x0 + j);
            }
        }
        if (e != null) {
            e[c] += energy(ho, x0, 0);
        }
    }

    /**
     * pg[0..np) and pg[np..2np) = Σ_k P_k·v_k over the {@code kk} rows P_k (np floats each) of the
     * matrix at {@code mat[to..]}, with the coefficients v of two replicas at {@code v0} and {@code
     * v1} of {@code v}: four chunks of tokens per pass, so each broadcast v_k serves four FMAs.
     * Factored heads pass Pᵀ and the v of {@link #project}, dense heads their matrix and the
     * weights.
     */
    private void productPair(float[] mat, int to, int kk, float[] v, int v0, int v1) {
        float[] ft = mat;
        int j = 0;
        for (; j + 4 * L <= np; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            for (int k = 0; k < kk; k++) {
                FloatVector s0 = bc(v[v0 + k]);
                FloatVector s1 = bc(v[v1 + k]);
                int o = to + k * np + j;
                FloatVector f0 = FloatVector.fromArray(SPECIES, ft, o);
                FloatVector f1 = FloatVector.fromArray(SPECIES, ft, o + L);
                FloatVector f2 = FloatVector.fromArray(SPECIES, ft, o + 2 * L);
                FloatVector f3 = FloatVector.fromArray(SPECIES, ft, o + 3 * L);
                a0 = f0.fma(s0, a0);
                a1 = f1.fma(s0, a1);
                a2 = f2.fma(s0, a2);
                a3 = f3.fma(s0, a3);
                b0 = f0.fma(s1, b0);
                b1 = f1.fma(s1, b1);
                b2 = f2.fma(s1, b2);
                b3 = f3.fma(s1, b3);
            }
            a0.intoArray(pg, j);
            a1.intoArray(pg, j + L);
            a2.intoArray(pg, j + 2 * L);
            a3.intoArray(pg, j + 3 * L);
            b0.intoArray(pg, np + j);
            b1.intoArray(pg, np + j + L);
            b2.intoArray(pg, np + j + 2 * L);
            b3.intoArray(pg, np + j + 3 * L);
        }
        for (; j < np; j += L) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector b0 = a0;
            for (int k = 0; k < kk; k++) {
                FloatVector f0 = FloatVector.fromArray(SPECIES, ft, to + k * np + j);
                a0 = f0.fma(bc(v[v0 + k]), a0);
                b0 = f0.fma(bc(v[v1 + k]), b0);
            }
            a0.intoArray(pg, j);
            b0.intoArray(pg, np + j);
        }
    }

    /** pg[0..np) = Σ_k P_k·v_k for one replica (see {@link #productPair}). */
    private void productOne(float[] mat, int to, int kk, float[] v, int v0) {
        float[] ft = mat;
        int j = 0;
        for (; j + 4 * L <= np; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int k = 0; k < kk; k++) {
                FloatVector s0 = bc(v[v0 + k]);
                int o = to + k * np + j;
                a0 = FloatVector.fromArray(SPECIES, ft, o).fma(s0, a0);
                a1 = FloatVector.fromArray(SPECIES, ft, o + L).fma(s0, a1);
                a2 = FloatVector.fromArray(SPECIES, ft, o + 2 * L).fma(s0, a2);
                a3 = FloatVector.fromArray(SPECIES, ft, o + 3 * L).fma(s0, a3);
            }
            a0.intoArray(pg, j);
            a1.intoArray(pg, j + L);
            a2.intoArray(pg, j + 2 * L);
            a3.intoArray(pg, j + 3 * L);
        }
        for (; j < np; j += L) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            for (int k = 0; k < kk; k++) {
                a0 = FloatVector.fromArray(SPECIES, ft, to + k * np + j).fma(bc(v[v0 + k]), a0);
            }
            a0.intoArray(pg, j);
        }
    }

    private static FloatVector bc(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }
}
