package dev.qama.core.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.ToLongFunction;

/**
 * Same-JVM A/B of two builds of qama-core's host work in a QAMA forward pass (a measurement, not a
 * test): each build's classes, with {@link HostWork}, in a class loader of its own; both digests
 * ({@code hash}) are printed before and after, so equal digests show the same bits; then {@code
 * reps} rounds, each running every phase on both builds (order swapped every round), CPU time of
 * the calling thread per phase. Printed per phase: the median, first quartile and best of each
 * build and the median of the per-round ratios B / A, over the last three quarters of the rounds.
 *
 * <pre>
 *   java -cp qama-core/target/test-classes dev.qama.core.bench.HostWorkAb A_CLASSES B_CLASSES \
 *       [B=128] [H=8] [N=49] [d=8] [reps=400] [phases=scan,build,read]
 * </pre>
 *
 * (A_CLASSES and B_CLASSES: two builds' qama-core/target/classes; the class path must hold only
 * qama-core's test classes. The same directory twice is an A/A run: the two loaders' code is
 * compiled apart, so run both orders.)
 */
public final class HostWorkAb {
    private HostWorkAb() {}

    /** See the class comment. */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        URL probe = HostWork.class.getProtectionDomain().getCodeSource().getLocation();
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int heads = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int tokens = args.length > 4 ? Integer.parseInt(args[4]) : 49;
        int dim = args.length > 5 ? Integer.parseInt(args[5]) : 8;
        int reps = args.length > 6 ? Integer.parseInt(args[6]) : 400;
        String[] phases = (args.length > 7 ? args[7] : "scan,build,read").split(",");
        ToLongFunction<String>[] work = new ToLongFunction[2];
        for (int i = 0; i < 2; i++) {
            URLClassLoader l =
                    new URLClassLoader(
                            new URL[] {Path.of(args[i]).toUri().toURL(), probe},
                            ClassLoader.getPlatformClassLoader());
            work[i] =
                    (ToLongFunction<String>)
                            l.loadClass(HostWork.class.getName())
                                    .getConstructor(int.class, int.class, int.class, int.class)
                                    .newInstance(batch, heads, tokens, dim);
        }
        System.out.printf(
                "digest A %d B %d%n", work[0].applyAsLong("hash"), work[1].applyAsLong("hash"));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][][] t = new long[2][phases.length][reps];
        for (int r = 0; r < reps; r++) {
            for (int o = 0; o < 2; o++) {
                int i = (r + o) % 2;
                for (int p = 0; p < phases.length; p++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    work[i].applyAsLong(phases[p]);
                    t[i][p][r] = mx.getCurrentThreadCpuTime() - c0;
                }
            }
        }
        System.out.printf(
                "digest A %d B %d%n", work[0].applyAsLong("hash"), work[1].applyAsLong("hash"));
        int from = reps / 4;
        for (int p = 0; p < phases.length; p++) {
            StringBuilder sb =
                    new StringBuilder(
                            String.format(
                                    "%-6s B=%d H=%d N=%d d=%d",
                                    phases[p], batch, heads, tokens, dim));
            for (int i = 0; i < 2; i++) {
                long[] x = Arrays.copyOfRange(t[i][p], from, reps);
                Arrays.sort(x);
                sb.append(
                        String.format(
                                "  %s median %.3f ms (q1 %.3f, best %.3f)",
                                i == 0 ? "A" : "B",
                                x[x.length / 2] / 1e6,
                                x[x.length / 4] / 1e6,
                                x[0] / 1e6));
            }
            double[] ratio = new double[reps - from];
            for (int r = from; r < reps; r++) {
                ratio[r - from] = (double) t[1][p][r] / t[0][p][r];
            }
            Arrays.sort(ratio);
            sb.append(String.format("  B/A median %.3f", ratio[ratio.length / 2]));
            System.out.println(sb);
        }
    }
}
