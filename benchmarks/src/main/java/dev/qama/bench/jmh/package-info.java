/**
 * JMH benchmarks of the solver kernels (docs/benchmarks.md, sections "Kernel throughput and
 * roofline" and "ND4J versus our kernels"): the batched coupling product J·X for dense, sparse and
 * low-rank couplings (Vector API and scalar), a measured FMA roofline of this CPU, one step of each
 * amplitude solver and simulated-annealing proposals, all expressed per spin update. The ND4J
 * side-by-side benchmark lives in {@code src/nd4j/java} and is compiled only with the Maven profile
 * {@code -Pnd4j}.
 *
 * <p>Every benchmark forks a JVM with {@code --add-modules jdk.incubator.vector} and {@code
 * -Dai.djl.offline=true} ({@link dev.qama.bench.jmh.Fixtures#FORK_ARGS}).
 */
package dev.qama.bench.jmh;
