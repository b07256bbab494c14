package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.formulation.PaperV1Formulation;
import dev.qama.core.formulation.V1CouplingMode;

/**
 * The differentiable side of the paper-v1 formulation (QAMA v1, arXiv 2504.11083v1; qama-core's
 * {@link PaperV1Formulation}, which builds the QUBOs, with the defects of the authors' code handled
 * as documented in docs/math.md): per head, J_ij = 1 − JSD(softmax(Q_i) ‖ softmax(K_j)) in bits
 * (SIMILARITY) or the JSD itself (DIVERGENCE), not symmetric, with a diagonal; h_i = the entropy in
 * bits of softmax(V_i); the optional long-range term −γ Σ_{i≠j} (|i−j|/(N−1)) w_i w_j; coupling
 * weight c_J, linear weight c_h, all read from the formulation. No BatchNorm of J and h.
 *
 * <p>The energy uses only the symmetric part of J: Σ_ij J_ij w_i w_j = Σ_{i≠j} C_ij w_i w_j + Σ_i
 * J_ii w_i² with C = (J + Jᵀ)/2 off the diagonal. Building J needs an (N, N, d) tensor per head.
 */
final class PaperV1Terms implements HeadTerms {
    private static final double LN2 = Math.log(2);

    /** qama-core's defaults: the name and default bits are stated there once. */
    private static final PaperV1Formulation DEFAULTS = PaperV1Formulation.builder().build();

    /**
     * Paper-v1 as the block sees it: {@code paper-v1}, 4 bits by default, no learned parameters, no
     * selection fields; J's mode and the long-range weight apply; couplings are always dense.
     */
    static final HeadFormulation FORMULATION =
            new HeadFormulation() {
                @Override
                public String cliName() {
                    return DEFAULTS.name();
                }

                @Override
                public int defaultBits() {
                    return DEFAULTS.bits();
                }

                @Override
                public boolean learnsValueImportance() {
                    return false;
                }

                @Override
                public boolean hasSelectionFields() {
                    return false;
                }

                @Override
                public HeadTerms terms(Options o, int headSize) {
                    if (o.couplingForm() == CouplingForm.LOW_RANK) {
                        throw new IllegalArgumentException(
                                "coupling form LOW_RANK (FACTORED) needs the paper-v2 formulation"
                                        + " (paper-v1's Jensen–Shannon couplings are not"
                                        + " low-rank)");
                    }
                    PaperV1Formulation.Builder f =
                            PaperV1Formulation.builder()
                                    .bits(o.bits())
                                    .couplingMode(o.v1CouplingMode())
                                    .longRangeWeight(o.longRangeWeight());
                    if (!Double.isNaN(o.couplingScale())) {
                        f.couplingScale(o.couplingScale());
                    }
                    if (!Double.isNaN(o.linearScale())) {
                        f.linearScale(o.linearScale());
                    }
                    if (!Double.isNaN(o.penaltyScale())) {
                        f.multiHeadPenalty(o.penaltyScale());
                    }
                    return new PaperV1Terms(f.build());
                }
            };

    private final PaperV1Formulation f;

    PaperV1Terms(PaperV1Formulation f) {
        this.f = f;
    }

    @Override
    public PaperV1Formulation formulation() {
        return f;
    }

    @Override
    public Prepared prepare(
            NDArray q, NDArray k, NDArray v, NDArray e, Host.Heads host, boolean[] mask) {
        return new V1(host.inputs(mask), host.tokens(), q, k, v);
    }

    /**
     * The terms of one pass; J, h and softmax(V) are built on first use (a pass that does not weigh
     * the energies needs none of them, PAPER's needs softmax(V) only).
     */
    private final class V1 implements Prepared {
        private final AttentionInputs in;
        private final int tokens;
        private final NDArray q;
        private final NDArray k;
        private final NDArray v;
        private NDArray pv;
        private NDArray j;
        private NDArray h;
        private NDArray far;

        V1(AttentionInputs in, int tokens, NDArray q, NDArray k, NDArray v) {
            this.in = in;
            this.tokens = tokens;
            this.q = q;
            this.k = k;
            this.v = v;
        }

        private NDArray pv() {
            if (pv == null) {
                pv = v.softmax(3); // (B, H, N, d)
            }
            return pv;
        }

        /** Builds J (B, H, N, N), h (B, H, N) and the long-range constant. */
        private void build() {
            if (j != null) {
                return;
            }
            NDArray pq = q.softmax(3); // (B, H, N, d)
            NDArray pk = k.softmax(3);
            // Σ_a p log p (negative entropies, nats): (B, H, N)
            NDArray nq = pq.mul(q.logSoftmax(3)).sum(new int[] {3});
            NDArray nk = pk.mul(k.logSoftmax(3)).sum(new int[] {3});
            h = Host.scale(pv().mul(v.logSoftmax(3)).sum(new int[] {3}), -1 / LN2);
            // mixture M_ij = (p_i + p_j)/2: (B, H, N, N, d)
            NDArray m = Host.scale(pq.expandDims(3).add(pk.expandDims(2)), 0.5);
            NDArray mlm = m.mul(m.add(1e-30f).log()).sum(new int[] {4}); // (B, H, N, N)
            // JSD_ij = ½ Σ p log p + ½ Σ r log r − Σ m log m, in bits
            NDArray jsd =
                    Host.scale(
                            Host.scale(nq.expandDims(3).add(nk.expandDims(2)), 0.5).sub(mlm),
                            1 / LN2);
            j = f.couplingMode() == V1CouplingMode.SIMILARITY ? jsd.neg().add(1f) : jsd;
            if (f.longRangeWeight() != 0 && tokens > 1) {
                float[] l = new float[tokens * tokens];
                for (int i = 0; i < tokens; i++) {
                    for (int c = 0; c < tokens; c++) {
                        l[i * tokens + c] = (float) (Math.abs(i - c) / (double) (tokens - 1));
                    }
                }
                far = q.getManager().create(l, new Shape(tokens, tokens)); // a constant
            }
        }

        @Override
        public PaperV1Formulation formulation() {
            return f;
        }

        @Override
        public AttentionInputs inputs() {
            return in;
        }

        @Override
        public NDArray tokenEnergies(NDArray w) {
            build();
            NDArray sym = Host.scale(j.add(j.transpose(0, 1, 3, 2)), 0.5); // (B, H, N, N)
            NDArray w4 = w.expandDims(3);
            NDArray jw = Host.scale(sym.matMul(w4).squeeze(3), f.couplingScale()); // (B, H, N)
            if (far != null) {
                // −γ Σ_{j≠i} L_ij w_j (L has a zero diagonal)
                jw = jw.add(Host.scale(far.matMul(w4).squeeze(3), f.longRangeWeight()));
            }
            return w.mul(jw.add(Host.scale(h, f.linearScale()))).neg();
        }

        @Override
        public NDArray directions() {
            return pv();
        }
    }
}
