package dev.qama.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.core.spi.AnnealerBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: an A/B of the QAMA block's cost outside the solver in one JVM. The classes of {@code
 * dev.qama.djl} compiled from another checkout ({@code -Dqama.probe.base=DIR}, that checkout's
 * qama-djl/target/classes) are loaded child-first next to this build's; DJL, qama-core and the
 * fixed-state backend of {@link OverheadProbe} are shared. The two blocks (paper-v2, SELECTED_KEYS,
 * selection warm-up 0 so that every pass builds the energy terms) and DJL's block take turns pass
 * by pass, so that the load of the machine falls on all of them alike; the calling thread's CPU
 * time of a forward pass and of a forward + backward pass are printed, medians and best. Run with
 * {@code -Dqama.probe=true -Dtest=BlockAbProbe -Dqama.probe.base=DIR}; {@code
 * -Dqama.probe.config=BxNxExH}, {@code -Dqama.probe.reps=R} (default 200), {@code
 * -Dqama.probe.dropout=P} (default 0.1; the digits model uses 0); {@code -Dqama.probe.backend=NAME}
 * solves with that backend instead of the fixed state (the wall-clock medians, printed too, then
 * include the solve; so does the calling thread's CPU, since the calling thread solves a share of
 * the batch). With {@code -Dqama.probe.core=DIR} (that checkout's qama-core/target/classes) the
 * base block runs on the other checkout's qama-core as well (and a copy of the fixed-state backend
 * linked against it), so that changes to qama-core are compared too.
 */
@EnabledIfSystemProperty(named = "qama.probe.base", matches = ".+")
class BlockAbProbe {

    /**
     * Loads {@code dev.qama.djl.*} from the other checkout first, everything else from ours; with
     * {@code withCore}, all of {@code dev.qama.*} but this probe (the other checkout's qama-core
     * too, and a copy of the probes' fixed-state backend linked against it).
     */
    static final class ChildFirst extends URLClassLoader {
        private final boolean withCore;

        ChildFirst(URL[] urls, boolean withCore, ClassLoader parent) {
            super(urls, parent);
            this.withCore = withCore;
        }

        private boolean childFirst(String name) {
            if (withCore) {
                return name.startsWith("dev.qama.")
                        && !name.startsWith("dev.qama.djl.BlockAbProbe");
            }
            return name.startsWith("dev.qama.djl.") && !name.contains("Probe");
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && childFirst(name)) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = null;
                    }
                }
                if (c == null) {
                    return super.loadClass(name, resolve);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    static Block qama(ClassLoader loader, int e, int h) throws Exception {
        Class<?> block = Class.forName("dev.qama.djl.QamaAttentionBlock", true, loader);
        Object b = block.getMethod("builder").invoke(null);
        Class<?> bc = b.getClass();
        bc.getMethod("setEmbeddingSize", int.class).invoke(b, e);
        bc.getMethod("setHeadCount", int.class).invoke(b, h);
        // OverheadProbe.backend() of the loader's own classes (its qama-core with
        // -Dqama.probe.core)
        Class<?> backendType = Class.forName(AnnealerBackend.class.getName(), true, loader);
        java.lang.reflect.Method backend =
                Class.forName("dev.qama.djl.OverheadProbe", true, loader)
                        .getDeclaredMethod("backend");
        backend.setAccessible(true);
        bc.getMethod("optBackend", backendType).invoke(b, backend.invoke(null));
        bc.getMethod("optSelectionWarmup", long.class)
                .invoke(b, Long.getLong("qama.probe.warmup", 0));
        bc.getMethod("optAttentionProbsDropoutProb", float.class).invoke(b, dropout());
        return (Block) bc.getMethod("build").invoke(b);
    }

    /**
     * The attention dropout of all three blocks ({@code -Dqama.probe.dropout}, default 0.1 as DJL;
     * the digits model uses 0).
     */
    static float dropout() {
        return Float.parseFloat(System.getProperty("qama.probe.dropout", "0.1"));
    }

    @Test
    void ab() throws Exception {
        int[] size = OverheadProbe.SIZE;
        int batch = size[0];
        int n = size[1];
        int e = size[2];
        int h = size[3];
        int reps = Integer.getInteger("qama.probe.reps", 200);
        URL base = Path.of(System.getProperty("qama.probe.base")).toUri().toURL();
        String core = System.getProperty("qama.probe.core", "");
        URL[] urls =
                core.isEmpty()
                        ? new URL[] {base}
                        : new URL[] {
                            base,
                            Path.of(core).toUri().toURL(),
                            // the probes' fixed-state backend, linked against the other qama-core
                            OverheadProbe.class.getProtectionDomain().getCodeSource().getLocation()
                        };
        try (ChildFirst other = new ChildFirst(urls, !core.isEmpty(), getClass().getClassLoader());
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            Block[] blocks = {
                ScaledDotProductAttentionBlock.builder()
                        .setEmbeddingSize(e)
                        .setHeadCount(h)
                        .optAttentionProbsDropoutProb(dropout())
                        .build(),
                qama(other, e, h),
                qama(getClass().getClassLoader(), e, h)
            };
            String[] names = {"classical", "QAMA base", "QAMA this build"};
            if (blocks[1].getClass() == blocks[2].getClass()) {
                throw new IllegalStateException("the base classes were not loaded apart");
            }
            Shape in = new Shape(batch, n, e);
            for (Block b : blocks) {
                b.initialize(m, DataType.FLOAT32, in);
            }
            ParameterStore ps = new ParameterStore(m, false);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long[][] fwd = new long[3][reps];
            long[][] train = new long[3][reps];
            long[][] fwdWall = new long[3][reps];
            long[][] trainWall = new long[3][reps];
            // the process's CPU (all threads: the host work on the common pool too); its clock is
            // coarse, so the mean over the passes is printed
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean)
                            ManagementFactory.getOperatingSystemMXBean();
            long[][] process = new long[3][reps];
            for (int r = 0; r < reps; r++) {
                for (int i = 0; i < 3; i++) {
                    int which = (r + i) % 3; // rotate the order
                    try (NDManager sub = m.newSubManager()) {
                        NDArray x = sub.randomNormal(in);
                        long p0 = os.getProcessCpuTime();
                        long w0 = System.nanoTime();
                        long c0 = mx.getCurrentThreadCpuTime();
                        blocks[which].forward(ps, new NDList(x), false).head().toFloatArray();
                        long c1 = mx.getCurrentThreadCpuTime();
                        long w1 = System.nanoTime();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray out = blocks[which].forward(ps, new NDList(x), true).head();
                            gc.backward(out.sum());
                        }
                        long c2 = mx.getCurrentThreadCpuTime();
                        fwdWall[which][r] = w1 - w0;
                        trainWall[which][r] = System.nanoTime() - w1;
                        fwd[which][r] = c1 - c0;
                        train[which][r] = c2 - c1;
                        process[which][r] = os.getProcessCpuTime() - p0;
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                System.out.printf(
                        "probe ab %-16s forward cpu median %6.2f ms (best %6.2f), forward +"
                                + " backward median %6.2f ms (best %6.2f) (last %d of %d passes,"
                                + " B=%d N=%d E=%d H=%d)%n",
                        names[i],
                        median(fwd[i], reps) / 1e6,
                        Arrays.stream(fwd[i]).min().getAsLong() / 1e6,
                        median(train[i], reps) / 1e6,
                        Arrays.stream(train[i]).min().getAsLong() / 1e6,
                        reps - reps / 4,
                        reps,
                        batch,
                        n,
                        e,
                        h);
                System.out.printf(
                        "probe ab %-16s forward wall median %6.2f ms, forward + backward wall"
                                + " median %6.2f ms; process cpu of both passes (all threads) mean %6.2f"
                                + " ms%n",
                        names[i],
                        median(fwdWall[i], reps) / 1e6,
                        median(trainWall[i], reps) / 1e6,
                        Arrays.stream(process[i], reps / 4, reps).average().orElse(0) / 1e6);
            }
        }
    }

    /** The median of the last three quarters (the first quarter warms up). */
    static double median(long[] v, int reps) {
        long[] s = Arrays.copyOfRange(v, reps / 4, reps);
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
