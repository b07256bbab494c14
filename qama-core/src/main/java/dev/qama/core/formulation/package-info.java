/**
 * Formulations: builders from the projected tensors Q, K, V ([B, H, N, d], row-major float arrays)
 * to {@link dev.qama.core.attention.AttentionProblem}s, one per batch element, and the closed-form
 * gradients of the minimised energy at a fixed solution.
 *
 * <p>Two formulations follow the two versions of QAMA (Du, Shi et al., "QAMA: Quantum annealing
 * multi-head attention operator with classical deep learning framework", arXiv 2504.11083 v1, and
 * "QAMA: Scalable Quantum Annealing Multi-Head Attention Operator for Deep Learning", v2), as read
 * from the authors' code (github.com/Dxee-e/QAMA): {@link
 * dev.qama.core.formulation.PaperV1Formulation} (Jensen–Shannon couplings, entropy linear terms, q
 * soft-selection bits, multi-head penalty and this library's own long-range term) and {@link
 * dev.qama.core.formulation.PaperV2Formulation} (symmetrised scaled dot products, h = mean(V ⊙ e),
 * one bit per head and token). The formulas, every deviation from the authors' code and the
 * gradient derivations are in docs/math.md.
 */
package dev.qama.core.formulation;
