package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
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
        double r = ramp.getAsDouble();
        // with r·γ = 0 the energies have no weight: they are not built (no nodes in the graph)
        NDArray tok = r * energyScale == 0 ? null : s.tok();
        return queryKeyScores
                ? mix(ps, training, in, s.w(), tok, s.vh(), s.qh(), s.kh(), fields, r)
                : mix(ps, training, in, s.w(), tok, s.vh(), null, null, fields, r);
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
     * @param qh the queries per head (B, H, N, d), or null for no query–key scores (VALUES)
     * @param kh the keys per head (B, H, N, d), null exactly when {@code qh} is
     * @param tok (B, H, N) per-token energies H
     * @param fields (B, H, N) local fields of the selection, or null for the plain gradient
     */
    NDArray mix(
            ParameterStore ps,
            boolean training,
            Inputs in,
            NDArray w,
            NDArray tok,
            NDArray vh,
            NDArray qh,
            NDArray kh,
            NDArray fields) {
        return mix(ps, training, in, w, tok, vh, qh, kh, fields, ramp.getAsDouble());
    }

    /**
     * {@link #mix} at the warm-up share r; {@code tok} may be null when r·γ = 0 (the energy term s
     * is then 0 and left out of the graph, which changes neither the value nor the gradient).
     */
    private NDArray mix(
            ParameterStore ps,
            boolean training,
            Inputs in,
            NDArray w,
            NDArray tok,
            NDArray vh,
            NDArray qh,
            NDArray kh,
            NDArray fields,
            double r) {
        int B = in.batch;
        int N = in.tokens;
        int R = in.pairKeep == null ? 1 : N; // rows of the key mask that differ
        // which (query row, key) pairs the mask allows, 0 or −1e9, (B, 1, R, N): from the mask
        // on the device; null without a mask (nothing to add)
        NDArray open = in.open(vh.getManager());
        boolean emptyRow = in.emptyRow; // a query row that may see no key at all
        boolean dropping = !(unselectedPenalty < 1e9); // a key left out is dropped
        // constants derived on the device from w (the selection warm-up scales β and γ by r): log
        // w for the selected keys, −rβ (a scalar where() broadcasts) for the others
        NDArray unselected =
                w.getManager().create(dropping ? -1e9f : (float) -(r * unselectedPenalty));
        // r·log w: with r = 0 the selection has no say at all (w is a constant: no gradient; the
        // NaN of 0·log 0 is in the branch where() discards)
        NDArray logW = r == 1 ? w.log() : w.log().mul((float) r);
        NDArray selection = NDArrays.where(w.gt(0f), logW, unselected); // (B, H, N)
        // s = −rγ·H/n_t (B, H, N), n_t = max(1, Σ_j w_{t,j}): one node in the graph, its factor
        // −rγ/n_t a constant; null when r·γ = 0 (s = 0: no node at all)
        NDArray scores = null;
        if (tok != null && r * energyScale != 0) {
            NDArray count = w.sum(new int[] {2}, true).maximum(1f);
            scores = tok.mul(count.getManager().create((float) (-r * energyScale)).div(count));
        }
        // the per-key terms stay (B, H, 1, N); their constant part (the selection offsets, with
        // the key mask when all rows share it) is summed before it meets the graph; only a
        // per-query mask (R = N) is added at (B, H, N, N)
        NDArray selectionKeys = selection.expandDims(2); // (B, H, 1, N), constant
        NDArray keyOffsets = R == 1 && open != null ? selectionKeys.add(open) : selectionKeys;
        NDArray rowMask = R == 1 ? null : open;
        NDArray keyTerms = scores == null ? keyOffsets : scores.expandDims(2).add(keyOffsets);
        NDArray queries = qh == null ? null : Host.scale(qh, 1.0 / Math.sqrt(headSize));
        NDArray base = logits(queries, kh, keyTerms, rowMask);
        NDArray alpha = base.softmax(3);
        if (emptyRow || dropping) {
            // rows with no key to attend to output 0 (a softmax of −1e9 everywhere is uniform)
            NDArray offsets = R == 1 ? keyOffsets : selectionKeys.add(open);
            alpha =
                    alpha.mul(
                            offsets.max(new int[] {3}, true)
                                    .gt(-1e8f)
                                    .toType(DataType.FLOAT32, false));
        }
        if (fields != null) {
            NDArray tau = fields.stopGradient().abs().mean(new int[] {2}, true).add(1e-6f);
            NDArray logSel = softPlus(fields.neg().div(tau)).neg(); // log σ(f/τ), (B, H, N)
            NDArray softKeys = (scores == null ? logSel : scores.add(logSel)).expandDims(2);
            NDArray softBase =
                    logits(
                            queries,
                            kh,
                            R == 1 && open != null ? softKeys.add(open) : softKeys,
                            rowMask);
            NDArray soft = softBase.softmax(3);
            // value of the hard mix, gradient of the relaxed one
            alpha = soft.add(alpha.sub(soft).stopGradient());
        }
        alpha = dropout.forward(ps, new NDList(alpha), training).singletonOrThrow();
        NDArray mixed = alpha.matMul(vh); // (B, H, N or R, d)
        return mixed.getShape().get(2) == N ? mixed : mixed.broadcast(B, headCount, N, headSize);
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
