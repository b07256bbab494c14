/**
 * The structured attention QUBO of one batch element (H heads × N tokens × q bits) and its
 * incremental evaluation.
 */
package dev.qama.core.attention;
