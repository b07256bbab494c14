/**
 * The annealer backend SPI: {@link dev.qama.core.spi.AnnealerBackend}, discovery through {@link
 * dev.qama.core.spi.AnnealerProvider} and {@link dev.qama.core.spi.Annealers}, requests, results
 * and deterministic seeding.
 */
package dev.qama.core.spi;
