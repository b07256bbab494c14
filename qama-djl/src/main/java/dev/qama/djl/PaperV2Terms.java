package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;

/**
 * The paper-v2 terms (QAMA v2, arXiv 2504.11083v2): per head, S = Q·Kᵀ/√d and J = (S + Sᵀ)/2 with
 * its diagonal removed; h = (1/d)·V·e with e the learned value importance; coupling weight a = c_q,
 * linear weight b = c_l·N, penalty ρ = c_p·√(2/π)·N/(H−1) (0 when H = 1).
 *
 * <p>J has rank ≤ 2d, so the energy is computed from the factors: (J·w)_i = (Q_i·(Kᵀw) +
 * K_i·(Qᵀw))/(2√d) − S_ii·w_i, in O(N·d) memory. The solver gets either the same factors ({@link
 * LowRankCoupling}) or the dense J ({@link DenseCoupling}), chosen by {@link
 * QamaAttentionBlock.CouplingForm}.
 *
 * <p>Internal: to be replaced by qama-core's formulation classes once they exist.
 */
final class PaperV2Terms implements HeadTerms {
    private final int bits;
    private final double cq;
    private final double cl;
    private final double cp;
    private final QamaAttentionBlock.CouplingForm form;

    PaperV2Terms(int bits, double cq, double cl, double cp, QamaAttentionBlock.CouplingForm form) {
        this.bits = bits;
        this.cq = cq;
        this.cl = cl;
        this.cp = cp;
        this.form = form;
    }

    @Override
    public int bits() {
        return bits;
    }

    /** The penalty weight ρ for H heads and N tokens. */
    static double penalty(double cp, int heads, int tokens) {
        return heads > 1 ? cp * Math.sqrt(2 / Math.PI) * tokens / (heads - 1) : 0.0;
    }

    /** Whether the factored coupling is cheaper than the dense one (one product: N·2d vs N²). */
    static boolean factored(QamaAttentionBlock.CouplingForm form, int tokens, int dim) {
        return switch (form) {
            case DENSE -> false;
            case FACTORED -> true;
            case AUTO -> tokens > 2 * dim;
        };
    }

    @Override
    public Prepared prepare(NDArray q, NDArray k, NDArray v, NDArray e) {
        Shape s = q.getShape();
        int batch = (int) s.get(0);
        int heads = (int) s.get(1);
        int tokens = (int) s.get(2);
        int dim = (int) s.get(3);
        double scale = 1 / Math.sqrt(dim);
        boolean lowRank = factored(form, tokens, dim);
        // h = (1/d)·V·e: (B, H, N, d) x (d, 1) -> (B, H, N)
        NDArray h = Host.scale(v.matMul(e.reshape(dim, 1)).squeeze(3), 1.0 / dim);
        float[] hostH = h.toFloatArray();
        float[] hostQ = null;
        float[] hostK = null;
        float[] hostS = null;
        if (lowRank) {
            hostQ = q.toFloatArray();
            hostK = k.toFloatArray();
            Host.checkFinite(hostQ, heads * tokens * dim, "projected queries");
            Host.checkFinite(hostK, heads * tokens * dim, "projected keys");
        } else {
            // S = Q·Kᵀ/√d, detached: the solver needs values only. (B, H, N, N)
            NDArray scores =
                    Host.scale(
                            q.stopGradient().matMul(k.stopGradient().transpose(0, 1, 3, 2)), scale);
            hostS = scores.toFloatArray();
            Host.checkFinite(hostS, heads * tokens * tokens, "attention scores");
        }
        Host.checkFinite(hostH, heads * tokens, "value terms h");
        return new V2(q, k, h, e, batch, heads, tokens, dim, scale, hostQ, hostK, hostS, hostH);
    }

    private final class V2 implements Prepared {
        private final NDArray q;
        private final NDArray k;
        private final NDArray h;
        private final NDArray e;
        private final int heads;
        private final int tokens;
        private final int dim;
        private final double scale;
        private final float[] hostQ;
        private final float[] hostK;
        private final float[] hostS;
        private final float[] hostH;

        V2(
                NDArray q,
                NDArray k,
                NDArray h,
                NDArray e,
                int batch,
                int heads,
                int tokens,
                int dim,
                double scale,
                float[] hostQ,
                float[] hostK,
                float[] hostS,
                float[] hostH) {
            this.q = q;
            this.k = k;
            this.h = h;
            this.e = e;
            this.heads = heads;
            this.tokens = tokens;
            this.dim = dim;
            this.scale = scale;
            this.hostQ = hostQ;
            this.hostK = hostK;
            this.hostS = hostS;
            this.hostH = hostH;
        }

        @Override
        public AttentionProblem problem(int b, boolean[] masked) {
            AttentionProblem.Builder pb =
                    AttentionProblem.builder(heads, tokens, bits)
                            .couplingWeight(cq)
                            .linearWeight(cl * tokens)
                            .penaltyWeight(penalty(cp, heads, tokens))
                            .mask(masked);
            for (int t = 0; t < heads; t++) {
                Coupling c;
                if (hostQ != null) {
                    c =
                            LowRankCoupling.of(
                                    tokens,
                                    dim,
                                    Host.slice(hostQ, b, t, heads, tokens, dim),
                                    Host.slice(hostK, b, t, heads, tokens, dim),
                                    scale / 2);
                } else {
                    c =
                            DenseCoupling.symmetricPartOf(
                                    tokens, Host.slice(hostS, b, t, heads, tokens, tokens));
                }
                pb.coupling(t, c).linear(t, Host.slice(hostH, b, t, heads, tokens, 1));
            }
            return pb.build();
        }

        @Override
        public NDArray tokenEnergies(NDArray w) {
            NDArray w4 = w.expandDims(3); // (B, H, N, 1)
            NDArray kTw = k.transpose(0, 1, 3, 2).matMul(w4); // (B, H, d, 1)
            NDArray qTw = q.transpose(0, 1, 3, 2).matMul(w4); // (B, H, d, 1)
            NDArray full = q.matMul(kTw).add(k.matMul(qTw)).squeeze(3); // (B, H, N)
            NDArray diag = q.mul(k).sum(new int[] {3}); // S_ii·√d: (B, H, N)
            NDArray jw = Host.scale(full, scale / 2).sub(Host.scale(diag, scale).mul(w));
            // H_{t,i} = −w_i (a (J w)_i + b h_i)
            return w.mul(Host.scale(jw, cq).add(Host.scale(h, cl * tokens))).neg();
        }

        @Override
        public NDArray directions() {
            return e.reshape(1, 1, 1, dim);
        }
    }
}
