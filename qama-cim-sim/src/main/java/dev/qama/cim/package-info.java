/**
 * Simulated coherent Ising machine solvers for the qama annealer SPI: shared utilities (read-out
 * tracking, knob validation). The solvers are in {@link dev.qama.cim.sb} (simulated bifurcation)
 * and {@link dev.qama.cim.simcim} (SimCIM); their batched coupling kernels in {@link
 * dev.qama.cim.kernel}.
 */
package dev.qama.cim;
