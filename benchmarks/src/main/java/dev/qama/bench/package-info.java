/** Benchmark workloads and statistics behind {@code qama bench}. */
package dev.qama.bench;
