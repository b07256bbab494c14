package dev.qama.core.formulation;

/**
 * How {@link PaperV1Formulation} turns the Jensen–Shannon divergence of softmax(Q_i) and
 * softmax(K_j) into the coupling J_ij.
 */
public enum V1CouplingMode {
    /**
     * J_ij = 1 − JSD(softmax(Q_i) ‖ softmax(K_j)) in bits, ∈ [0, 1]: with the energy's minus sign
     * this rewards selecting pairs of similar query and key distributions. This library's fix of
     * the sign defect of the authors' formulation, and the default.
     */
    SIMILARITY,
    /**
     * J_ij = JSD(softmax(Q_i) ‖ softmax(K_j)) in bits, as in the authors' code (arXiv 2504.11083
     * v1, github.com/Dxee-e/QAMA): it rewards dissimilar pairs. Kept for comparison.
     */
    DIVERGENCE
}
