/**
 * Batch inference on Apache Spark with a model trained by {@code qama train}: {@link
 * dev.qama.spark.SparkInference} reads an examples file with Spark, scores each partition with one
 * DJL predictor of the rebuilt model and writes the predictions, equal bit for bit to those of
 * {@code qama infer} in one JVM (docs/deployment.md, "Batch inference on Spark").
 */
package dev.qama.spark;
