package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
        NDArray pairLogits = null;
        if (queryKeyScores) {
            NDArray qk = s.qh().matMul(s.kh().transpose(0, 1, 3, 2)); // (B, H, N, N)
            pairLogits = Host.scale(qk, 1.0 / Math.sqrt(headSize));
        }
        // the selection's local fields when the selection gradient is on and we train
        NDArray fields = selectionGradient && training ? s.terms().selectionFields(s.w()) : null;
        return mix(ps, training, in, s.w(), s.tok(), s.vh(), pairLogits, fields);
    }

    /**
     * VALUES and SELECTED_KEYS: out_{t,i} = Σ_j α_{t,i,j} V_{t,j}, α_{t,i,·} = softmax over the
     * keys j that query i keeps of a_{t,i,j} + s_{t,j} + r·log w_{t,j} for the selected ones
     * (w_{t,j} > 0) and a_{t,i,j} − r·β for the others (left out entirely when β is infinite), r
     * the share of the selection warm-up ({@link QamaAttentionBlock.Builder#optSelectionWarmup}), s
     * = −r·γ·H/n_t with n_t = max(1, Σ_j w_{t,j}), a = {@code pairLogits} (SELECTED_KEYS, the
     * scaled query–key products) or 0 (VALUES); a query with no such key outputs 0.
     *
     * <p>With {@code fields} (the selection gradient) the value is the same, but the gradient is
     * that of the relaxed mix over every key query i keeps, with log w_{t,j} replaced by log
     * σ(f_{t,j}/τ_t), f the local fields of the selection and τ_t their mean magnitude per head and
     * element (a straight-through estimator): keys the annealer left out get a gradient, and so do
     * the QUBO's coefficients through f.
     *
     * @param pairLogits (B, H, N, N) per-query scores, or null for none
     * @param fields (B, H, N) local fields of the selection, or null for the plain gradient
     */
    NDArray mix(
            ParameterStore ps,
            boolean training,
            Inputs in,
            NDArray w,
            NDArray tok,
            NDArray vh,
            NDArray pairLogits,
            NDArray fields) {
        int B = in.batch;
        int N = in.tokens;
        int R = in.pairKeep == null ? 1 : N; // rows of the key mask that differ
        // the only upload: which (query row, key) pairs the mask allows, 0 or −1e9, (B, 1, R, N)
        float[] allowed = new float[B * R * N];
        boolean emptyRow = false; // a query row that may see no key at all
        for (int b = 0; b < B; b++) {
            for (int r = 0; r < R; r++) {
                boolean any = false;
                for (int j = 0; j < N; j++) {
                    boolean open =
                            !in.maskedTokens[b][j]
                                    && (in.pairKeep == null || in.pairKeep[(b * N + r) * N + j]);
                    allowed[(b * R + r) * N + j] = open ? 0f : -1e9f;
                    any |= open;
                }
                emptyRow |= !any;
            }
        }
        NDManager m = vh.getManager();
        NDArray open = m.create(allowed, new Shape(B, 1, R, N));
        boolean dropping = !(unselectedPenalty < 1e9); // a key left out is dropped
        double r = ramp.getAsDouble(); // the selection warm-up: r·β and r·γ
        // constants derived on the device from w: log w for the selected keys, −rβ for the others
        NDArray unselected = w.zerosLike().sub(dropping ? 1e9f : (float) (r * unselectedPenalty));
        // r·log w: with r = 0 the selection has no say at all (w is a constant: no gradient; the
        // NaN of 0·log 0 is in the branch where() discards)
        NDArray logW = r == 1 ? w.log() : w.log().mul((float) r);
        NDArray selection = NDArrays.where(w.gt(0f), logW, unselected); // (B, H, N)
        NDArray count = w.sum(new int[] {2}, true).maximum(1f); // n_t = max(1, Σ_j w_{t,j})
        // s = −γ·H/n_t (B, H, N)
        NDArray scores = tok.neg().div(count);
        if (r * energyScale != 1) {
            scores = Host.scale(scores, r * energyScale);
        }
        // the per-key terms are added while they are (B, H, 1, N); only a per-query mask (R = N)
        // is added at (B, H, N, N)
        NDArray keyTerms = scores.add(selection).expandDims(2);
        NDArray rowMask = R == 1 ? null : open;
        if (R == 1) {
            keyTerms = keyTerms.add(open);
        }
        NDArray base = pairLogits == null ? keyTerms : keyTerms.add(pairLogits);
        if (rowMask != null) {
            base = base.add(rowMask);
        }
        NDArray alpha = base.softmax(3);
        if (emptyRow || dropping) {
            // rows with no key to attend to output 0 (a softmax of −1e9 everywhere is uniform)
            NDArray offsets = selection.expandDims(2).add(open);
            alpha =
                    alpha.mul(
                            offsets.max(new int[] {3}, true)
                                    .gt(-1e8f)
                                    .toType(DataType.FLOAT32, false));
        }
        if (fields != null) {
            NDArray tau = fields.stopGradient().abs().mean(new int[] {2}, true).add(1e-6f);
            NDArray logSel = softPlus(fields.neg().div(tau)).neg(); // log σ(f/τ), (B, H, N)
            NDArray softBase = scores.add(logSel).expandDims(2).add(open);
            if (pairLogits != null) {
                softBase = softBase.add(pairLogits);
            }
            NDArray soft = softBase.softmax(3);
            // value of the hard mix, gradient of the relaxed one
            alpha = soft.add(alpha.sub(soft).stopGradient());
        }
        alpha = dropout.forward(ps, new NDList(alpha), training).singletonOrThrow();
        NDArray mixed = alpha.matMul(vh); // (B, H, N or R, d)
        return mixed.getShape().get(2) == N ? mixed : mixed.broadcast(B, headCount, N, headSize);
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
