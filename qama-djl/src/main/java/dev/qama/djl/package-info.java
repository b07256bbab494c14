/**
 * A DJL multi-head attention block whose heads are solved as QUBOs by a qama annealer backend
 * (QAMA, Du, Shi et al., arXiv 2504.11083).
 *
 * <p>{@link dev.qama.djl.QamaAttentionBlock} mirrors DJL's {@code ScaledDotProductAttentionBlock}
 * (builder, inputs, output shapes, child names and order), so it can replace it in a model, and
 * {@link dev.qama.djl.QamaTransformerEncoderBlock} and {@link dev.qama.djl.QamaBertBlock} are DJL's
 * {@code TransformerEncoderBlock} and {@code BertBlock} with a pluggable attention. The forward
 * pass copies the couplings and linear terms out of the NDArray graph once, solves all problems of
 * the batch in one backend call, and recomputes the energy at the solution with NDArray operations,
 * so autograd yields the energy gradient.
 */
package dev.qama.djl;
