package dev.qama.cim.bench;

import dev.qama.core.attention.AttentionProblem;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * The JIT warm-up of the {@code sb} solver in a fresh JVM (a measurement, not a test): one build of
 * qama-cim-sim (its classes in a class loader of their own, as in {@link SolveAb}) solves the 128
 * problems of the project workload ({@link SolveAb#problems}: paper-v2, H = 8, d = 8, q = 1; N = 16
 * tokens as in the digits model) again and again on one thread, problem k of batch b with seed
 * 1000·b + k, one read, as {@code qama train --attention qama} does on the digits data (12 batches
 * of 128 per epoch). Printed: the thread's CPU time per "epoch" of 12 batches, and the sums over
 * epochs 1, 2–10 and 11–20.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector \
 *       -cp qama-core/target/classes:qama-cim-sim/target/test-classes \
 *       dev.qama.cim.bench.SolveWarmup CLASSES [epochs=20] [tokens=16]
 * </pre>
 *
 * (CLASSES: a build's qama-cim-sim/target/classes; the class path must not hold qama-cim-sim's main
 * classes.) One run per JVM: the point is the first epochs, so alternate builds over several JVMs.
 */
public final class SolveWarmup {
    private SolveWarmup() {}

    public static void main(String[] args) throws Exception {
        Path classes = Path.of(args[0]);
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        List<AttentionProblem> problems = SolveAb.problems(128, 8, tokens, 8, 1);
        SolveAb.Solver solver = new SolveAb.Solver(classes);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] cpu = new double[epochs];
        double checksum = 0;
        int batch = 0;
        for (int e = 0; e < epochs; e++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int b = 0; b < 12; b++, batch++) {
                for (int k = 0; k < problems.size(); k++) {
                    checksum += solver.solve(problems.get(k), 1000L * batch + k).bestEnergy();
                }
            }
            cpu[e] = (mx.getCurrentThreadCpuTime() - t0) * 1e-9;
        }
        StringBuilder line = new StringBuilder("epoch cpu s:");
        for (double c : cpu) {
            line.append(String.format(" %.3f", c));
        }
        System.out.println(line);
        double mid = 0;
        double late = 0;
        for (int e = 1; e < epochs; e++) {
            if (e < 10) {
                mid += cpu[e];
            } else {
                late += cpu[e];
            }
        }
        System.out.printf(
                "epoch1 %.3f epochs2-10 %.3f epochs11-%d %.3f checksum %.6f%n",
                cpu[0], mid, epochs, late, checksum);
    }
}
