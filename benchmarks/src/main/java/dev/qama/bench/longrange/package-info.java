/**
 * A long-range synthetic task for issue 7: seeded key–value retrieval over 1k–4k tokens ({@link
 * dev.qama.bench.longrange.KvRetrievalDataset}), a one-layer encoder classifier with classical or
 * QAMA attention ({@link dev.qama.bench.longrange.LongRangeModels}) and a short training run
 * ({@link dev.qama.bench.longrange.LongRangeTraining}).
 */
package dev.qama.bench.longrange;
