package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * ({@link PaperV2Formulation#couplingForm()}), with elementwise products and sums only (see {@code
 * bracket}).
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
     * The terms of one pass; the NDArray work is done when the energies or fields are asked for.
     */
    private static final class V2 implements Prepared {
        private final PaperV2Formulation f;
        private final AttentionInputs in;
        private final NDArray q;
        private final NDArray k;
        private final NDArray v;
        private final NDArray e;
        private NDArray qn; // (B, N, H, d), see tokenMajor
        private NDArray kn;
        private NDArray vn;
        private boolean inPlace; // see inference()

        V2(PaperV2Formulation f, AttentionInputs in, NDArray q, NDArray k, NDArray v, NDArray e) {
            this.f = f;
            this.in = in;
            this.q = q;
            this.k = k;
            this.v = v;
            this.e = e;
        }

        /**
         * e·b/d, broadcastable to (B, H, N, d): the linear term's factor per channel, with b of
         * each batch element as the problem it was solved in (b = c_l·N, N the element's unmasked
         * tokens: one scalar unless the masks leave different numbers of tokens).
         */
        private NDArray linearFactor() {
            int batch = in.batch();
            int dim = in.dim();
            float[] b = new float[batch];
            boolean same = true;
            for (int i = 0; i < batch; i++) {
                b[i] = (float) (f.linearWeight(in, i) / dim);
                same &= b[i] == b[0];
            }
            NDManager m = e.getManager();
            return same
                    ? e.mul(m.create(batch == 0 ? 0f : b[0]))
                    : e.mul(m.create(b, new Shape(batch, 1, 1, 1)));
        }

        /**
         * F_{t,i} = Σ_c q_{t,i,c}·(K_tᵀa)_c + q_{t,i,c}·k_{t,i,c}·n_{t,i} + k_{t,i,c}·(Q_tᵀa)_c +
         * v_{t,i,c}·e_c·b/d for constants a and n given (B, N, H, 1); returned (B, N, H, 1). With a
         * = (α/2)·w and n = −α·w, α = (coupling weight)/√d, F = a_c·(J w) + b·h, the bracket of the
         * energy (J = (S + Sᵀ)/2 without its diagonal, S = Q·Kᵀ/√d, h = V·e/d); with a and n twice
         * that, the local fields.
         *
         * <p>The diagonal's constant comes negated (n = −c rather than a subtraction of k·c): the
         * values are the same to the last bit (x − y·c = x + y·(−c) exactly), and the backward pass
         * has no negation of a (B, N, H, d) gradient.
         *
         * <p>It works in the (B, N, H, d) layout, in which the block's Q, K, V are its contiguous
         * (B, N, E) projections (the transposes are views): elementwise products, sums over the
         * tokens, and one matrix product with a column of ones for the sums over the d channels. No
         * batched products of the B·H tiny matrices (each costs about a microsecond per matrix,
         * forward and backward) and no strided reduction over d.
         */
        private NDArray bracket(NDArray a, NDArray n) {
            int batch = in.batch();
            int heads = in.heads();
            int tokens = in.tokens();
            int dim = in.dim();
            if (qn == null) {
                tokenMajor(
                        q.transpose(0, 2, 1, 3), k.transpose(0, 2, 1, 3), v.transpose(0, 2, 1, 3));
            }
            NDArray kTa = kn.mul(a).sum(new int[] {1}, true); // (B, 1, H, d)
            NDArray qTa = qn.mul(a).sum(new int[] {1}, true); // (B, 1, H, d)
            NDArray s; // Σ_c of it is F
            if (inPlace) {
                // the same products and sums, each operand pair as below (a + b = b + a and
                // a·b = b·a exactly), into the buffer of the first product: three (B, N, H, d)
                // arrays fewer to allocate and fill
                s = kn.mul(n).addi(kTa).muli(qn).addi(kn.mul(qTa)).addi(vn.mul(linearFactor()));
            } else {
                s = qn.mul(kTa.add(kn.mul(n))).add(kn.mul(qTa)).add(vn.mul(linearFactor()));
            }
            NDArray ones = s.getManager().ones(new Shape(dim, 1));
            return s.reshape((long) batch * tokens * heads, dim)
                    .matMul(ones)
                    .reshape(batch, tokens, heads, 1);
        }

        @Override
        public void inference() {
            inPlace = true;
        }

        @Override
        public void tokenMajor(NDArray qn, NDArray kn, NDArray vn) {
            this.qn = qn;
            this.kn = kn;
            this.vn = vn;
        }

        /** α = (coupling weight)/√d. */
        private double alpha() {
            return f.couplingWeight() / Math.sqrt(in.dim());
        }

        @Override
        public PaperV2Formulation formulation() {
            return f;
        }

        @Override
        public AttentionInputs inputs() {
            return in;
        }

        @Override
        public NDArray tokenEnergies(NDArray w) {
            // H_{t,i} = −w_i (a (J w)_i + b h_i), b = c_l·N with N the unmasked tokens of each
            // batch element (the same for all without a mask); w is a constant
            NDArray wn = w.transpose(0, 2, 1).expandDims(3); // (B, N, H, 1)
            double alpha = alpha();
            return bracket(Host.scale(wn, alpha / 2), Host.scale(wn, -alpha))
                    .squeeze(3)
                    .transpose(0, 2, 1)
                    .mul(w.neg());
        }

        /**
         * The per-key terms offset + factor·H with one upload of the constants (a, n, −factor·w,
         * offset) in the (B, N, H, 4) layout of {@link #bracket}, split into views: the energy
         * graph gets no node for w, −w, the factor or the offsets.
         */
        @Override
        public NDArray keyTerms(
                java.util.function.Supplier<NDArray> w,
                float[] hostW,
                float[] factor,
                float[] offset) {
            int batch = in.batch();
            int heads = in.heads();
            int tokens = in.tokens();
            float[] packed =
                    pack(
                            hostW,
                            factor,
                            offset,
                            batch,
                            heads,
                            tokens,
                            (float) alpha(),
                            (float) (alpha() / 2));
            NDArray all = q.getManager().create(packed, new Shape(batch, tokens, heads, 4));
            NDList c = all.split(4, 3); // four (B, N, H, 1) views
            return bracket(c.get(0), c.get(1))
                    .mul(c.get(2))
                    .add(c.get(3))
                    .transpose(0, 2, 3, 1); // (B, H, 1, N)
        }

        /**
         * The constants of {@link #keyTerms} in the (B, N, H, 4) layout: (α/2)·w, −α·w, −factor·w,
         * offset (a loop of its own, so that it is compiled apart from the NDArray calls).
         */
        private static float[] pack(
                float[] hostW,
                float[] factor,
                float[] offset,
                int batch,
                int heads,
                int tokens,
                float alpha,
                float half) {
            float[] packed = new float[4 * hostW.length];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < heads; t++) {
                    int bt = b * heads + t;
                    for (int i = 0; i < tokens; i++) {
                        int from = bt * tokens + i; // (B, H, N)
                        int to = 4 * ((b * tokens + i) * heads + t); // (B, N, H, 4)
                        float wp = hostW[from];
                        packed[to] = half * wp;
                        packed[to + 1] = -alpha * wp; // −(α·w) exactly
                        packed[to + 2] = -wp * factor[bt];
                        packed[to + 3] = offset[from];
                    }
                }
            }
            return packed;
        }

        @Override
        public NDArray selectionFields(NDArray w) {
            // −∂E/∂w_i = 2a (J w)_i + b h_i (J symmetric, zero diagonal; penalty left out)
            NDArray wn = w.transpose(0, 2, 1).expandDims(3); // (B, N, H, 1)
            double alpha = alpha();
            return bracket(Host.scale(wn, alpha), Host.scale(wn, -2 * alpha))
                    .squeeze(3)
                    .transpose(0, 2, 1);
        }

        @Override
        public NDArray directions() {
            return e.reshape(1, 1, 1, in.dim());
        }
    }
}
