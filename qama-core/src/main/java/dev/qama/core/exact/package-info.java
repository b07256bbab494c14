/**
 * Exact oracles: {@link dev.qama.core.exact.BruteForceBackend} (Gray-code enumeration, n ≤ 30),
 * {@link dev.qama.core.exact.MilpExactBackend} (branch and bound on the standard MILP linearisation
 * through ojAlgo) and {@link dev.qama.core.exact.SpectralBound} (a lower bound on the minimum
 * energy from the smallest eigenvalue, to bound the optimality gap of any solution). The backends
 * are registered through {@link dev.qama.core.exact.ExactProvider} ("exact") and {@link
 * dev.qama.core.exact.MilpProvider} ("milp"), both with negative ranks so they are never the
 * default backend.
 */
package dev.qama.core.exact;
