/**
 * Binary quadratic models (Ising and QUBO) with dense, sparse and low-rank couplings, and the one
 * energy convention of the library, E(z) = offset + hᵀz + ½ zᵀJz (see {@link
 * dev.qama.core.model.BinaryQuadraticModel}).
 */
package dev.qama.core.model;
