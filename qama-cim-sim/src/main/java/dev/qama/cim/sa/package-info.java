/**
 * Simulated annealing backends: {@link dev.qama.cim.sa.SimulatedAnnealing} (Metropolis sweeps with
 * a geometric, linear or custom β schedule, "sa") and {@link dev.qama.cim.sa.CsaBaseline} (a port
 * of the QAMA authors' c_sa, "csa", the baseline other solvers are compared against). Both solve
 * binary quadratic models (dense, sparse, low-rank couplings) and structured attention problems
 * with single-flip kernels on primitive arrays.
 */
package dev.qama.cim.sa;
