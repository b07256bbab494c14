/**
 * The long-sequence benchmark of issue 7: time and peak memory of one QAMA forward + backward pass
 * with factored (low-rank) paper-v2 couplings next to DJL's {@code ScaledDotProductAttentionBlock},
 * one batch element, H = 8, d = 64, N from 1k to 32k tokens, each size in a fresh JVM. Entry
 * points: {@link dev.qama.bench.longseq.LongSequenceBenchmark#main} and {@code qama bench
 * long-seq}.
 */
package dev.qama.bench.longseq;
