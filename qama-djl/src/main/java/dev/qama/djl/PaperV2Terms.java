package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.PaperV2Formulation;
import dev.qama.core.formulation.V1CouplingMode;

/**
 * The differentiable side of the paper-v2 formulation (QAMA v2, arXiv 2504.11083v2; qama-core's
 * {@link PaperV2Formulation}, which builds the QUBOs): per head, S = Q·Kᵀ/√d, J = (S + Sᵀ)/2 with
 * its diagonal removed, h = (1/d)·V·e with e the learned value importance; coupling weight a =
 * {@link PaperV2Formulation#couplingWeight()}, linear weight b = {@link
 * PaperV2Formulation#linearWeight(AttentionInputs, int)} of each batch element (its unmasked
 * tokens).
 *
 * <p>J has rank ≤ 2d, so the energy is computed from the factors: (J·w)_i = (Q_i·(Kᵀw) +
 * K_i·(Qᵀw))/(2√d) − S_ii·w_i, in O(N·d) memory, whatever form the solver gets the couplings in
 * ({@link PaperV2Formulation#couplingForm()}).
 */
final class PaperV2Terms implements HeadTerms {

    /** qama-core's defaults: the name and default bits are stated there once. */
    private static final PaperV2Formulation DEFAULTS =
            PaperV2Formulation.builder().valueImportance(new float[] {1}).build();

    /**
     * Paper-v2 as the block sees it: {@code paper-v2}, 1 bit by default, the learned value
     * importance e (saved after the marker), selection fields; the coupling form applies,
     * paper-v1's coupling mode and long-range weight do not.
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
                    return true;
                }

                @Override
                public boolean hasSelectionFields() {
                    return true;
                }

                @Override
                public HeadTerms terms(Options o, int headSize) {
                    if (o.v1CouplingMode() != V1CouplingMode.SIMILARITY
                            || o.longRangeWeight() != 0) {
                        throw new IllegalArgumentException(
                                "the v1 coupling mode ("
                                        + o.v1CouplingMode()
                                        + ") and the long-range weight ("
                                        + o.longRangeWeight()
                                        + ") apply to paper-v1 only; the formulation is PAPER_V2");
                    }
                    float[] e = o.valueImportance();
                    if (e == null) {
                        e = new float[headSize];
                        java.util.Arrays.fill(e, 1f);
                    }
                    PaperV2Formulation.Builder f =
                            PaperV2Formulation.builder()
                                    .bits(o.bits())
                                    .couplingForm(o.couplingForm())
                                    .valueImportance(e);
                    if (!Double.isNaN(o.couplingScale())) {
                        f.couplingScale(o.couplingScale());
                    }
                    if (!Double.isNaN(o.linearScale())) {
                        f.linearScale(o.linearScale());
                    }
                    if (!Double.isNaN(o.penaltyScale())) {
                        f.penaltyScale(o.penaltyScale());
                    }
                    return new PaperV2Terms(f.build());
                }
            };

    private final PaperV2Formulation template;

    /**
     * @param template the coefficients, bits and coupling form; its value importance is replaced by
     *     the layer's e in every forward pass
     */
    PaperV2Terms(PaperV2Formulation template) {
        this.template = template;
    }

    @Override
    public PaperV2Formulation formulation() {
        return template;
    }

    @Override
    public Prepared prepare(
            NDArray q, NDArray k, NDArray v, NDArray e, Host.Heads host, boolean[] mask) {
        AttentionInputs in = host.inputs(mask);
        PaperV2Formulation f = template.toBuilder().valueImportance(host.e()).build();
        return new V2(f, in, q, k, v, e);
    }

    /**
     * The terms of one pass; h is built on first use (not at all when the host has the energies).
     */
    private static final class V2 implements Prepared {
        private final PaperV2Formulation f;
        private final AttentionInputs in;
        private final NDArray q;
        private final NDArray k;
        private final NDArray v;
        private final NDArray e;
        private NDArray h;

        V2(PaperV2Formulation f, AttentionInputs in, NDArray q, NDArray k, NDArray v, NDArray e) {
            this.f = f;
            this.in = in;
            this.q = q;
            this.k = k;
            this.v = v;
            this.e = e;
        }

        /** h = (1/d)·V·e: (B, H, N, d) x (d, 1) -> (B, H, N). */
        private NDArray h() {
            if (h == null) {
                int dim = in.dim();
                h = Host.scale(v.matMul(e.reshape(dim, 1)).squeeze(3), 1.0 / dim);
            }
            return h;
        }

        @Override
        public PaperV2Formulation formulation() {
            return f;
        }

        @Override
        public AttentionInputs inputs() {
            return in;
        }

        /**
         * c·(J w)_{t,i} = c·Σ_j J_{t,ij} w_{t,j} (B, H, N), J without its diagonal; the factor c is
         * folded into the scalars and the constant w, so that the graph gets no node for it.
         */
        private NDArray coupled(NDArray w, double c) {
            double scale = c / Math.sqrt(in.dim());
            NDArray w4 = w.expandDims(3); // (B, H, N, 1)
            NDArray kTw = k.transpose(0, 1, 3, 2).matMul(w4); // (B, H, d, 1)
            NDArray qTw = q.transpose(0, 1, 3, 2).matMul(w4); // (B, H, d, 1)
            NDArray full = q.matMul(kTw).add(k.matMul(qTw)).squeeze(3); // (B, H, N)
            NDArray diag = q.mul(k).sum(new int[] {3}); // S_ii·√d: (B, H, N)
            // w is a constant: c·w/√d costs no node
            NDArray wScaled = w.mul(w.getManager().create((float) scale));
            return Host.scale(full, scale / 2).sub(diag.mul(wScaled));
        }

        @Override
        public NDArray tokenEnergies(NDArray w) {
            // H_{t,i} = −w_i (a (J w)_i + b h_i), b = c_l·N with N the unmasked tokens of each
            // batch element (the same for all without a mask); −w is a constant
            return w.neg().mul(coupled(w, f.couplingWeight()).add(linear()));
        }

        @Override
        public NDArray selectionFields(NDArray w) {
            // −∂E/∂w_i = 2a (J w)_i + b h_i (J symmetric, zero diagonal; penalty left out)
            return coupled(w, 2 * f.couplingWeight()).add(linear());
        }

        /** b·h (B, H, N), with b of each batch element as the problem it was solved in. */
        private NDArray linear() {
            int batch = in.batch();
            float[] b = new float[batch];
            boolean same = true;
            for (int i = 0; i < batch; i++) {
                b[i] = (float) f.linearWeight(in, i);
                same &= b[i] == b[0];
            }
            if (same) {
                return Host.scale(h(), batch == 0 ? 0 : b[0]);
            }
            NDArray hv = h();
            return hv.mul(hv.getManager().create(b, new Shape(batch, 1, 1)));
        }

        @Override
        public NDArray directions() {
            return e.reshape(1, 1, 1, in.dim());
        }
    }
}
