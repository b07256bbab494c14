package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.function.DoubleSupplier;

/**
 * {@link QamaAttentionBlock.OutputMode#VALUES} and {@link
 * QamaAttentionBlock.OutputMode#SELECTED_KEYS}: each query mixes the value vectors of the keys it
 * may see, weighted by the annealer's selection and the token energies ({@link #mix}); with {@code
 * queryKeyScores} (SELECTED_KEYS) the scaled query–key products are added to the logits.
 */
final class MixedHeads implements HeadOutput {
    private final Dropout dropout;
    private final int headCount;
    private final int headSize;
    private final double unselectedPenalty;
    private final double energyScale;
    private final DoubleSupplier ramp;
    private final boolean selectionGradient;
    private final boolean queryKeyScores;

    /**
     * @param dropout the block's probability dropout, applied to the mixing weights
     * @param unselectedPenalty β; ≥ 1e9 drops the keys the annealer left out
     * @param energyScale γ
     * @param ramp the share r ∈ [0, 1] of β and γ in use now (the selection warm-up)
     * @param selectionGradient whether training uses the straight-through selection gradient
     * @param queryKeyScores whether each query adds q_i·k_j/√d to its logits (SELECTED_KEYS)
     */
    MixedHeads(
            Dropout dropout,
            int headCount,
            int headSize,
            double unselectedPenalty,
            double energyScale,
            DoubleSupplier ramp,
            boolean selectionGradient,
            boolean queryKeyScores) {
        this.dropout = dropout;
        this.headCount = headCount;
        this.headSize = headSize;
        this.unselectedPenalty = unselectedPenalty;
        this.energyScale = energyScale;
        this.ramp = ramp;
        this.selectionGradient = selectionGradient;
        this.queryKeyScores = queryKeyScores;
    }

    @Override
    public NDArray heads(ParameterStore ps, boolean training, Inputs in, Selection s) {
        // the selection's local fields when the selection gradient is on and we train
        NDArray fields = selectionGradient && training ? s.terms().selectionFields(s.w()) : null;
        // with r·γ = 0 the energies have no weight: they are not built (no nodes in the graph)
        KeyTerms energies =
                (factor, offset) -> s.terms().keyTerms(s::w, s.weights(), factor, offset);
        return queryKeyScores
                ? mix(ps, training, in, s.weights(), energies, s.vh(), s.qh(), s.kh(), fields)
                : mix(ps, training, in, s.weights(), energies, s.vh(), null, null, fields);
    }

    /**
     * The per-key logit terms offset_{t,j} + factor_t·H_{t,j} (B, H, 1, N) of the energies H, for
     * host constants factor (B·H) and offset (B·H·N): {@link HeadTerms.Prepared#keyTerms}.
     */
    @FunctionalInterface
    interface KeyTerms {
        NDArray of(float[] factor, float[] offset);
    }

    /**
     * VALUES and SELECTED_KEYS: out_{t,i} = Σ_j α_{t,i,j} V_{t,j}, α_{t,i,·} = softmax over the
     * keys j that query i keeps of a_{t,i,j} + s_{t,j} + r·log w_{t,j} for the selected ones
     * (w_{t,j} > 0) and a_{t,i,j} − r·β for the others (left out entirely when β is infinite), r
     * the share of the selection warm-up ({@link QamaAttentionBlock.Builder#optSelectionWarmup}), s
     * = −r·γ·H/n_t with n_t = max(1, Σ_j w_{t,j}), a_{t,i,j} = q_{t,i}·k_{t,j}/√d (SELECTED_KEYS,
     * {@code qh} and {@code kh} given) or 0 (VALUES); a query with no such key outputs 0.
     *
     * <p>With {@code fields} (the selection gradient) the value is the same, but the gradient is
     * that of the relaxed mix over every key query i keeps, with log w_{t,j} replaced by log
     * σ(f_{t,j}/τ_t), f the local fields of the selection and τ_t their mean magnitude per head and
     * element (a straight-through estimator): keys the annealer left out get a gradient, and so do
     * the QUBO's coefficients through f.
     *
     * @param w the selection (B·H·N), row-major, on the host
     * @param qh the queries per head (B, H, N, d), or null for no query–key scores (VALUES)
     * @param kh the keys per head (B, H, N, d), null exactly when {@code qh} is
     * @param tok (B, H, N) per-token energies H
     * @param fields (B, H, N) local fields of the selection, or null for the plain gradient
     */
    NDArray mix(
            ParameterStore ps,
            boolean training,
            Inputs in,
            float[] w,
            NDArray tok,
            NDArray vh,
            NDArray qh,
            NDArray kh,
            NDArray fields) {
        return mix(
                ps,
                training,
                in,
                w,
                (factor, offset) -> HeadTerms.keyTerms(tok, factor, offset),
                vh,
                qh,
                kh,
                fields);
    }

    /**
     * {@link #mix} with the energy terms from {@code energies}, asked for only when r·γ ≠ 0 (the
     * energy term s is otherwise 0 and left out of the graph, which changes neither the value nor
     * the gradient). The constants — the selection offsets r·log w or −rβ, the key mask's offsets
     * when all query rows share it, the energy factor −rγ/n_t and which rows see a key at all — are
     * computed on the host from w and the mask read with the download, and uploaded once.
     */
    private NDArray mix(
            ParameterStore ps,
            boolean training,
            Inputs in,
            float[] w,
            KeyTerms energies,
            NDArray vh,
            NDArray qh,
            NDArray kh,
            NDArray fields) {
        double r = ramp.getAsDouble();
        int B = in.batch;
        int N = in.tokens;
        int R = in.pairKeep == null ? 1 : N; // rows of the key mask that differ
        NDManager manager = vh.getManager();
        boolean dropping = !(unselectedPenalty < 1e9); // a key left out is dropped
        // per key: r·log w for a selected key, −rβ (or −1e9: dropped) for the others, plus the
        // key mask's −1e9 when all query rows share the mask (R = 1); float sums and products as
        // on the device, the log in double rounded once (the device's may differ in the last bit)
        float unselected = dropping ? -1e9f : (float) -(r * unselectedPenalty);
        int heads = headCount;
        float[] selection = selectionOffsets(w, r, unselected); // (B, H, N)
        boolean keyMask = R == 1 && in.hasMask();
        float[] offsets = keyMask ? withKeyMask(selection, in, heads) : selection;
        // s = −rγ·H/n_t, n_t = max(1, Σ_j w_{t,j}): the factor −rγ/n_t is a constant; no energy
        // node at all when r·γ = 0
        boolean weighed = r * energyScale != 0;
        NDArray keyTerms; // (B, H, 1, N)
        NDArray scores = null; // s alone (B, H, 1, N), for the selection gradient
        Shape keys = new Shape(B, heads, 1, N);
        if (weighed) {
            float[] factor = energyFactors(w, B * heads, N, -r * energyScale);
            if (fields == null) {
                keyTerms = energies.of(factor, offsets);
            } else {
                scores = energies.of(factor, new float[w.length]);
                keyTerms = scores.add(manager.create(offsets, keys));
            }
        } else {
            keyTerms = manager.create(offsets, keys);
        }
        // a per-query mask (R = N) is added at (B, H, N, N), from the mask tensor on the device
        NDArray rowMask = R == 1 ? null : in.open(manager);
        NDArray queries = qh == null ? null : Host.scale(qh, 1.0 / Math.sqrt(headSize));
        NDArray base = logits(queries, kh, keyTerms, rowMask);
        NDArray alpha = base.softmax(3);
        if (in.emptyRow || dropping) {
            // rows with no key to attend to output 0 (a softmax of −1e9 everywhere is uniform)
            alpha =
                    alpha.mul(
                            manager.create(
                                    rowsSeeingAKey(in, selection), new Shape(B, heads, R, 1)));
        }
        if (fields != null) {
            NDArray tau = fields.stopGradient().abs().mean(new int[] {2}, true).add(1e-6f);
            NDArray logSel = softPlus(fields.neg().div(tau)).neg(); // log σ(f/τ), (B, H, N)
            NDArray softKeys =
                    scores == null ? logSel.expandDims(2) : scores.add(logSel.expandDims(2));
            NDArray softBase =
                    logits(
                            queries,
                            kh,
                            R == 1 && in.hasMask()
                                    ? softKeys.add(maskOffsets(in, manager))
                                    : softKeys,
                            rowMask);
            NDArray soft = softBase.softmax(3);
            // value of the hard mix, gradient of the relaxed one
            alpha = soft.add(alpha.sub(soft).stopGradient());
        }
        alpha = dropout.forward(ps, new NDList(alpha), training).singletonOrThrow();
        NDArray mixed = alpha.matMul(vh); // (B, H, N or R, d)
        return mixed.getShape().get(2) == N ? mixed : mixed.broadcast(B, headCount, N, headSize);
    }

    /*
     * The host loops of a pass live in small methods of their own: mix runs a few hundred times in
     * a training run and stays in C1 code, while the loops get their own (small) C2 and on-stack
     * replacement compiles instead of recompiling all of mix (docs/benchmarks.md, "Block pass
     * cost").
     */

    /**
     * Per key: r·log w for a selected key (w &gt; 0), {@code unselected} for the others; float
     * products as on the device, the log in double rounded once. The log is taken only where it is
     * used and is not log 1 = 0 (exactly): a 1-bit selection's w is 0 or 1, so a pass at 128 × 49 ×
     * 8 heads skips about 50 000 logs.
     */
    static float[] selectionOffsets(float[] w, double r, float unselected) {
        float rf = (float) r;
        float[] selection = new float[w.length];
        for (int p = 0; p < w.length; p++) {
            float wp = w[p];
            if (wp > 0f) {
                float logW = wp == 1f ? 0f : (float) Math.log(wp);
                selection[p] = r == 1 ? logW : logW * rf;
            } else {
                selection[p] = unselected;
            }
        }
        return selection;
    }

    /** {@code selection} (B, H, N) plus the key mask's −1e9 on the masked keys, a new array. */
    private static float[] withKeyMask(float[] selection, Inputs in, int heads) {
        int n = in.tokens;
        float[] offsets = new float[selection.length];
        for (int p = 0; p < selection.length; p++) {
            float sel = selection[p];
            offsets[p] = in.maskedTokens[p / (heads * n)][p % n] ? sel + -1e9f : sel;
        }
        return offsets;
    }

    /**
     * The energy factor −rγ/n_t of each of the {@code rows} = B·H heads, n_t = max(1, Σ_j w_{t,j})
     * over its {@code tokens} keys; {@code scale} = −rγ.
     */
    private static float[] energyFactors(float[] w, int rows, int tokens, double scale) {
        float[] factor = new float[rows];
        for (int bt = 0; bt < rows; bt++) {
            double count = 0;
            for (int j = 0; j < tokens; j++) {
                count += w[bt * tokens + j];
            }
            factor[bt] = (float) (scale / Math.max(1, count));
        }
        return factor;
    }

    /**
     * 1 where query row i of head t of element b (i = 0 only when all rows share the mask) keeps
     * some key j whose offset is above −1e8 (not dropped by β = ∞ and not masked), else 0: (B, H,
     * R, 1) row-major.
     */
    private float[] rowsSeeingAKey(Inputs in, float[] selection) {
        int B = in.batch;
        int N = in.tokens;
        int R = in.pairKeep == null ? 1 : N;
        float[] rows = new float[B * headCount * R];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < headCount; t++) {
                int bt = b * headCount + t;
                for (int i = 0; i < R; i++) {
                    boolean any = false;
                    for (int j = 0; j < N && !any; j++) {
                        boolean kept =
                                R == 1 ? !in.maskedTokens[b][j] : in.pairKeep[(b * N + i) * N + j];
                        any = kept && selection[bt * N + j] > -1e8f;
                    }
                    rows[bt * R + i] = any ? 1f : 0f;
                }
            }
        }
        return rows;
    }

    /** The key mask's offsets (B, 1, 1, N) when all rows share it: 0 keep, −1e9 masked. */
    private static NDArray maskOffsets(Inputs in, NDManager manager) {
        float[] m = new float[in.batch * in.tokens];
        for (int b = 0; b < in.batch; b++) {
            for (int j = 0; j < in.tokens; j++) {
                m[b * in.tokens + j] = in.maskedTokens[b][j] ? -1e9f : 0f;
            }
        }
        return manager.create(m, new Shape(in.batch, 1, 1, in.tokens));
    }

    /**
     * The mixing logits (B, H, N or 1, N): the per-key terms {@code keys} (B, H, 1, N) plus, with
     * {@code queries}, the query–key scores q_i·k_j (queries already scaled by 1/√d), plus {@code
     * rowMask} (B, 1, N, N) if not null. The scores and the per-key terms come out of one matrix
     * product, [q_i, 1]·[k_j, c_j], so that no (B, H, N, N) sum and no broadcast of the key terms
     * over the query rows is needed, forward or backward.
     */
    private static NDArray logits(NDArray queries, NDArray kh, NDArray keys, NDArray rowMask) {
        NDArray base;
        if (queries == null) {
            base = keys;
        } else {
            Shape s = queries.getShape();
            NDArray ones = queries.getManager().ones(new Shape(s.get(0), s.get(1), s.get(2), 1));
            NDArray left = NDArrays.concat(new NDList(queries, ones), 3); // (B, H, N, d + 1)
            NDArray right = // (B, H, d + 1, N)
                    NDArrays.concat(new NDList(kh.transpose(0, 1, 3, 2), keys), 2);
            base = left.matMul(right);
        }
        return rowMask == null ? base : base.add(rowMask);
    }

    /**
     * log(1 + eˣ), computed stably as max(x, 0) + log(1 + e^−|x|) with max(x, 0) = (x + |x|)/2 (no
     * scalar operand whose tensor autograd would need later, see {@link Host#scale}).
     */
    private static NDArray softPlus(NDArray x) {
        NDArray a = x.abs();
        return Host.scale(x.add(a), 0.5).add(a.neg().exp().add(1f).log());
    }
}
