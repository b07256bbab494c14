package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.formulation.Formulation;

/**
 * A formulation plugged into the block by this one class, as {@link PluggedFormulationTest} shows:
 * paper-v2's QUBO with the value importance fixed to ones, so that the block learns no parameter of
 * its own (h is the mean of each value vector). It has its own name and no selection fields.
 */
final class FixedImportanceFormulation implements HeadFormulation {
    static final FixedImportanceFormulation INSTANCE = new FixedImportanceFormulation();

    private FixedImportanceFormulation() {}

    @Override
    public String cliName() {
        return "test-fixed-e";
    }

    @Override
    public int defaultBits() {
        return 1;
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
        HeadTerms v2 = PaperV2Terms.FORMULATION.terms(o, headSize);
        return new HeadTerms() {
            @Override
            public Formulation formulation() {
                return v2.formulation();
            }

            @Override
            public Prepared prepare(
                    NDArray q, NDArray k, NDArray v, NDArray e, Host.Heads host, boolean[] mask) {
                if (e != null || host.e() != null) {
                    throw new IllegalStateException("the block passed an e it should not have");
                }
                int d = (int) q.getShape().get(3);
                NDArray ones = q.getManager().ones(new Shape(d));
                float[] onesHost = new float[d];
                java.util.Arrays.fill(onesHost, 1f);
                Host.Heads withOnes =
                        new Host.Heads(
                                host.batch(),
                                host.heads(),
                                host.tokens(),
                                host.dim(),
                                host.q(),
                                host.k(),
                                host.v(),
                                onesHost);
                return v2.prepare(q, k, v, ones, withOnes, mask);
            }
        };
    }
}
