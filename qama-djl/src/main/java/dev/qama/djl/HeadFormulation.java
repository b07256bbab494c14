package dev.qama.djl;

import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.formulation.V1CouplingMode;

/**
 * One QUBO formulation as the {@link QamaAttentionBlock} sees it: the one place that knows its
 * name, its default number of bits, whether it learns a value importance e, whether it offers the
 * selection gradient, and how it builds its qama-core {@link dev.qama.core.formulation.Formulation}
 * and its {@link HeadTerms} from the builder's options.
 *
 * <p>Each formulation's implementation lives next to its terms ({@link PaperV1Terms#FORMULATION},
 * {@link PaperV2Terms#FORMULATION}); {@link QamaAttentionBlock.Formulation} lists the public ones
 * and maps their names ({@link QamaAttentionBlock.Formulation#parse}). A new formulation is its
 * qama-core class, one class here and one enum constant; the block, its builder, its parameter
 * files and the command line need no other change.
 */
interface HeadFormulation {

    /**
     * The name on the command line and in result files, equal to the qama-core formulation's {@link
     * dev.qama.core.formulation.Formulation#name()}, e.g. {@code paper-v2}.
     */
    String cliName();

    /** Soft-selection bits q per (head, token) when the builder sets none. */
    int defaultBits();

    /**
     * Whether the formulation learns a value-importance vector e (length d): the block then adds
     * the child valueImportance, hands e to {@link HeadTerms#prepare} and saves it after {@link
     * QamaAttentionBlock#MARKER}; otherwise e is null and nothing follows DJL's children.
     */
    boolean learnsValueImportance();

    /**
     * Whether the prepared terms offer {@link HeadTerms.Prepared#selectionFields}, which {@link
     * QamaAttentionBlock.Builder#optSelectionGradient} needs.
     */
    boolean hasSelectionFields();

    /**
     * The terms of a block with these options: builds and validates the qama-core formulation
     * (coefficients left unset keep its defaults).
     *
     * @param headSize d, the per-head width (the length of e)
     * @throws IllegalArgumentException naming the value if an option does not fit this formulation
     */
    HeadTerms terms(Options options, int headSize);

    /**
     * The builder's formulation options, defaults resolved except for the coefficients.
     *
     * @param bits q, already validated
     * @param couplingForm how couplings reach the solver
     * @param v1CouplingMode paper-v1's J (SIMILARITY is the default)
     * @param longRangeWeight paper-v1's γ (0 is the default)
     * @param couplingScale the coupling coefficient, or NaN for the formulation's default
     * @param linearScale the linear coefficient, or NaN for the default
     * @param penaltyScale the multi-head penalty coefficient, or NaN for the default
     * @param valueImportance e for a formulation that learns one (length d), or null for ones
     */
    record Options(
            int bits,
            CouplingForm couplingForm,
            V1CouplingMode v1CouplingMode,
            double longRangeWeight,
            double couplingScale,
            double linearScale,
            double penaltyScale,
            float[] valueImportance) {}
}
