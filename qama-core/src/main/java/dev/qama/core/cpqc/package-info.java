/**
 * The QBoson CPQC adapter ({@link dev.qama.core.cpqc.CpqcBackend}, provider {@code "cpqc"}): QUBO →
 * Ising with one auxiliary spin, 8-bit couplings with a measured rounding error ({@link
 * dev.qama.core.cpqc.IsingMapping}), the 550-spin limit with head-wise splitting of attention
 * problems, and transports: file exchange with the vendor's platform, any HTTP endpoint speaking
 * this library's protocol, or a local emulator. Nothing here contacts QBoson hardware by itself;
 * see {@code docs/backends.md}.
 */
package dev.qama.core.cpqc;
