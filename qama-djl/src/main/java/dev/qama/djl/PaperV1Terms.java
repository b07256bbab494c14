package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.DenseCoupling;

/**
 * The paper-v1 terms (QAMA v1, arXiv 2504.11083v1), with the known defects of the authors' code
 * handled as documented in docs/math.md (section "The DJL block"): per head, J_ij = 1 −
 * JSD(softmax(Q_i) ‖ softmax(K_j)) in bits (a similarity in [0, 1], not the raw divergence; not
 * symmetric, with a diagonal), h_i = the entropy in bits of softmax(V_i), q soft-selection bits per
 * token, coupling weight a = c_J, linear weight b = c_h, penalty ρ = λ_MH / (H(H−1)/2) (0 when H =
 * 1). No BatchNorm of J and h.
 *
 * <p>The energy uses only the symmetric part of J: Σ_ij J_ij w_i w_j = Σ_{i≠j} C_ij w_i w_j + Σ_i
 * J_ii w_i² with C = (J + Jᵀ)/2 off the diagonal. Building J needs an (N, N, d) tensor per head.
 *
 * <p>Internal: to be replaced by qama-core's formulation classes once they exist.
 */
final class PaperV1Terms implements HeadTerms {
    private static final double LN2 = Math.log(2);
    private final int bits;
    private final double cj;
    private final double ch;
    private final double lambda;

    PaperV1Terms(int bits, double cj, double ch, double lambda) {
        this.bits = bits;
        this.cj = cj;
        this.ch = ch;
        this.lambda = lambda;
    }

    @Override
    public int bits() {
        return bits;
    }

    /** The penalty weight ρ = λ_MH / (H(H−1)/2), 0 for one head. */
    static double penalty(double lambda, int heads) {
        return heads > 1 ? lambda / (heads * (heads - 1) / 2.0) : 0.0;
    }

    @Override
    public Prepared prepare(NDArray q, NDArray k, NDArray v, NDArray e) {
        Shape s = q.getShape();
        int heads = (int) s.get(1);
        int tokens = (int) s.get(2);
        int dim = (int) s.get(3);
        NDArray pq = q.softmax(3); // (B, H, N, d)
        NDArray pk = k.softmax(3);
        NDArray pv = v.softmax(3);
        // Σ_a p log p (negative entropies, nats): (B, H, N)
        NDArray nq = pq.mul(q.logSoftmax(3)).sum(new int[] {3});
        NDArray nk = pk.mul(k.logSoftmax(3)).sum(new int[] {3});
        NDArray h = Host.scale(pv.mul(v.logSoftmax(3)).sum(new int[] {3}), -1 / LN2);
        // mixture M_ij = (p_i + p_j)/2: (B, H, N, N, d)
        NDArray m = Host.scale(pq.expandDims(3).add(pk.expandDims(2)), 0.5);
        NDArray mlm = m.mul(m.add(1e-30f).log()).sum(new int[] {4}); // (B, H, N, N)
        // JSD_ij = ½ Σ p log p + ½ Σ r log r − Σ m log m, in bits
        NDArray jsd =
                Host.scale(
                        Host.scale(nq.expandDims(3).add(nk.expandDims(2)), 0.5).sub(mlm), 1 / LN2);
        NDArray j = jsd.neg().add(1f);
        float[] hostJ = j.toFloatArray();
        float[] hostH = h.toFloatArray();
        Host.checkFinite(hostJ, heads * tokens * tokens, "couplings J");
        Host.checkFinite(hostH, heads * tokens, "value entropies h");
        return new V1(j, h, pv, heads, tokens, hostJ, hostH);
    }

    private final class V1 implements Prepared {
        private final NDArray j;
        private final NDArray h;
        private final NDArray pv;
        private final int heads;
        private final int tokens;
        private final float[] hostJ;
        private final float[] hostH;

        V1(NDArray j, NDArray h, NDArray pv, int heads, int tokens, float[] hostJ, float[] hostH) {
            this.j = j;
            this.h = h;
            this.pv = pv;
            this.heads = heads;
            this.tokens = tokens;
            this.hostJ = hostJ;
            this.hostH = hostH;
        }

        @Override
        public AttentionProblem problem(int b, boolean[] masked) {
            AttentionProblem.Builder pb =
                    AttentionProblem.builder(heads, tokens, bits)
                            .couplingWeight(cj)
                            .linearWeight(ch)
                            .penaltyWeight(penalty(lambda, heads))
                            .mask(masked);
            for (int t = 0; t < heads; t++) {
                float[] jt = Host.slice(hostJ, b, t, heads, tokens, tokens);
                float[] diag = new float[tokens];
                for (int i = 0; i < tokens; i++) {
                    diag[i] = jt[i * tokens + i];
                }
                pb.coupling(t, DenseCoupling.symmetricPartOf(tokens, jt))
                        .diagonal(t, diag)
                        .linear(t, Host.slice(hostH, b, t, heads, tokens, 1));
            }
            return pb.build();
        }

        @Override
        public NDArray tokenEnergies(NDArray w) {
            NDArray sym = Host.scale(j.add(j.transpose(0, 1, 3, 2)), 0.5); // (B, H, N, N)
            NDArray jw = sym.matMul(w.expandDims(3)).squeeze(3); // (B, H, N)
            return w.mul(Host.scale(jw, cj).add(Host.scale(h, ch))).neg();
        }

        @Override
        public NDArray directions() {
            return pv;
        }
    }
}
