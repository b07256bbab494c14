/**
 * Batched kernels of the amplitude solvers: the coupling product Y = J·X over R replicas for dense,
 * sparse (CSR) and low-rank couplings, with Vector API implementations and a scalar fallback
 * ({@link dev.qama.cim.kernel.Kernels}), and the spin-form view of a problem ({@link
 * dev.qama.cim.kernel.SpinSystem}), including the structured attention kernel that never builds the
 * dense matrix.
 */
package dev.qama.cim.kernel;
