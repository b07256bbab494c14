/**
 * Batch inference with a model trained by {@code qama train}: {@link
 * dev.qama.bench.infer.TrainedModel} rebuilds it from its run directory, {@link
 * dev.qama.bench.infer.ExampleCsv} reads examples and writes predictions. {@code qama infer} runs
 * them in one JVM; the Spark job of {@code benchmarks/spark} runs the same code per partition, so
 * both give the same predictions bit for bit (docs/deployment.md).
 */
package dev.qama.bench.infer;
