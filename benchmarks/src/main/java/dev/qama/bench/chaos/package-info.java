/**
 * Fault injection for the remote solver pool (issue 16): real {@code qama serve} child JVMs on
 * loopback, a multi-threaded load of batches with known answers, and SIGKILL, SIGTERM or
 * SIGSTOP/SIGCONT of servers while it runs. Entry points: {@link
 * dev.qama.bench.chaos.ChaosBenchmark#run} and {@code qama bench chaos}.
 */
package dev.qama.bench.chaos;
