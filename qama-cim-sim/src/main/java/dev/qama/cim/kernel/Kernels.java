package dev.qama.cim.kernel;

import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;

/**
 * Creates {@link CouplingKernel}s and decides between the Vector API and the scalar fallback.
 *
 * <p>The Vector API ({@code jdk.incubator.vector}) is used when its module is present in the
 * running JVM ({@code --add-modules jdk.incubator.vector}); availability is detected once, with a
 * guarded class load, and the vector code lives in a class that is never loaded otherwise. Setting
 * the system property {@value #VECTOR_PROPERTY}{@code =false} forces the scalar kernels (read at
 * every {@link #create} call). Both paths compute the same products up to float rounding (the
 * summation order differs), so results of a seeded solve can differ between them in the last bits;
 * for a fixed path they never depend on the thread count.
 */
public final class Kernels {
    /** System property: {@code false} forces the scalar kernels. */
    public static final String VECTOR_PROPERTY = "qama.vector";

    private static final boolean VECTOR_AVAILABLE = detect();

    /** How to choose between the two implementations. */
    public enum Mode {
        /** Vector API if available and not disabled by {@value #VECTOR_PROPERTY}. */
        AUTO,
        /** Always the scalar kernels. */
        SCALAR,
        /** The Vector API; an error if it is not available. */
        VECTOR
    }

    private Kernels() {}

    private static boolean detect() {
        try {
            Class.forName("jdk.incubator.vector.FloatVector");
            // touches the species (a static final constant of the vector class)
            return VectorKernels.lanes() > 0;
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Whether the jdk.incubator.vector module is loaded in this JVM. */
    public static boolean vectorAvailable() {
        return VECTOR_AVAILABLE;
    }

    /** Whether {@link Mode#AUTO} picks the vector kernels now. */
    public static boolean vectorEnabled() {
        return VECTOR_AVAILABLE && !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY));
    }

    /**
     * Binary quadratic models with at most this many variables are solved with the scalar kernels
     * under {@link Mode#AUTO} (see {@link #resolve}).
     */
    public static final int SMALL_MODEL = 128;

    /**
     * The mode a solve of {@code problem} uses: {@link Mode#AUTO} becomes {@link Mode#SCALAR} for a
     * binary quadratic model of at most {@value #SMALL_MODEL} variables; otherwise {@code mode}.
     *
     * <p>Why: at that size a product costs microseconds either way, and the Vector API code runs
     * orders of magnitude slower until C2 has compiled it, which on a busy 2-core machine takes
     * most of a second. Measured on BiqMac be100.3 (n = 100, load 10): the first 1000-step SB run
     * of a fresh JVM took 0.09 s with the scalar kernels and 0.74 s with the vector ones (40 runs:
     * 0.83 s against 3.2 s), so with {@code --time-limit 1s} the vector path often cut its first
     * run short; once compiled, the two took the same time per run (35 and 33 ms, loaded).
     * Attention problems keep the fused vector engine.
     */
    public static Mode resolve(Mode mode, dev.qama.core.model.Problem problem) {
        if (mode == Mode.AUTO
                && problem instanceof dev.qama.core.model.BinaryQuadraticModel
                && problem.numVariables() <= SMALL_MODEL) {
            return Mode.SCALAR;
        }
        return mode;
    }

    /** The declared {@code kernel} backend option (choices: the modes, lower case). */
    public static final dev.qama.core.spi.OptionSpec OPTION =
            dev.qama.core.spi.OptionSpec.ofChoice(
                    "kernel",
                    "auto",
                    java.util.Arrays.stream(Mode.values())
                            .map(m -> m.name().toLowerCase(java.util.Locale.ROOT))
                            .toList(),
                    "coupling kernel: auto uses the Vector API when available");

    /** Parses a mode name ("auto", "scalar", "vector"), quoting a bad value. */
    public static Mode parseMode(String text) {
        for (Mode m : Mode.values()) {
            if (m.name().equalsIgnoreCase(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "kernel mode '" + text + "' is not one of auto, scalar, vector");
    }

    /** A kernel for {@code coupling} and {@code replicas} replicas, chosen automatically. */
    public static CouplingKernel create(Coupling coupling, int replicas) {
        return create(coupling, replicas, Mode.AUTO);
    }

    /**
     * A kernel for {@code coupling} and {@code replicas} replicas.
     *
     * @throws IllegalArgumentException if replicas &lt; 1, or VECTOR is asked for and the module is
     *     not available
     */
    public static CouplingKernel create(Coupling coupling, int replicas, Mode mode) {
        if (coupling == null) {
            throw new IllegalArgumentException("coupling is null");
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        boolean vector;
        switch (mode) {
            case SCALAR -> vector = false;
            case VECTOR -> {
                if (!VECTOR_AVAILABLE) {
                    throw new IllegalArgumentException(
                            "kernel mode VECTOR: the jdk.incubator.vector module is not"
                                    + " available (run with --add-modules jdk.incubator.vector)");
                }
                vector = true;
            }
            default -> vector = vectorEnabled();
        }
        if (coupling instanceof DenseCoupling d) {
            return vector ? VectorKernels.dense(d, replicas) : new ScalarKernels.Dense(d, replicas);
        }
        if (coupling instanceof SparseCoupling s) {
            return vector
                    ? VectorKernels.sparse(s, replicas)
                    : new ScalarKernels.Sparse(s, replicas);
        }
        LowRankCoupling l = (LowRankCoupling) coupling;
        return vector ? VectorKernels.lowRank(l, replicas) : new ScalarKernels.LowRank(l, replicas);
    }
}
