package dev.qama.bench.longseq;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.core.spi.Annealers;
import dev.qama.djl.QamaAttentionBlock;
import dev.qama.djl.SolverStatistics;
import java.util.Locale;

/**
 * One measurement in this JVM: a warm-up pass at a tiny N (engine loading, JIT), then one timed
 * forward + backward pass of the attention block on X ~ N(0, 1) of shape (1, N, H·d) with gradients
 * for X and every parameter, then the peak resident set size. The QAMA block uses paper-v2 with
 * {@code FACTORED} couplings and the VALUES output mode without a mask (O(N·d) memory per head
 * everywhere); the solver time is measured by wrapping the backend.
 */
public final class LongSeqRun {
    /** Prefix of the result line a child JVM prints on stdout. */
    public static final String RESULT_PREFIX = "LONGSEQ-RESULT ";

    private static final int WARMUP_TOKENS = 64;

    private LongSeqRun() {}

    /**
     * Measures one attention kind at one size in this JVM.
     *
     * @param attention "qama" or "classical"
     * @param tokens N
     * @param heads H
     * @param headSize d
     * @param backend the QAMA backend name (ignored for classical)
     * @param seed seed of the inputs, the parameters and the solver
     */
    public static LongSeqResult measure(
            String attention, int tokens, int heads, int headSize, String backend, long seed) {
        boolean qama = checkKind(attention);
        SolverStatistics timed = qama ? new SolverStatistics(Annealers.create(backend)) : null;
        try {
            Engine.getInstance().setRandomSeed((int) seed);
            // warm-up in a fresh block, then the measured pass in another
            pass(block(qama, timed, heads, headSize, seed), WARMUP_TOKENS, heads, headSize);
            long baseline = MemoryProbe.currentRssBytes();
            if (timed != null) {
                timed.take();
            }
            long t0 = System.nanoTime();
            pass(block(qama, timed, heads, headSize, seed), tokens, heads, headSize);
            double total = (System.nanoTime() - t0) / 1e6;
            double solver = timed == null ? 0 : timed.take().seconds() * 1e3;
            return new LongSeqResult(
                    attention,
                    tokens,
                    heads,
                    headSize,
                    "ok",
                    qama ? timed.name() : "-",
                    total,
                    solver,
                    total - solver,
                    MemoryProbe.peakRssBytes(),
                    baseline);
        } catch (EngineException | OutOfMemoryError e) {
            String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            boolean oom =
                    e instanceof OutOfMemoryError
                            || msg.contains("memory")
                            || msg.contains("alloc");
            String status = oom ? "OOM" : "failed: " + firstLine(e.getMessage());
            return LongSeqResult.notRun(attention, tokens, heads, headSize, status);
        } finally {
            if (timed != null) {
                timed.close();
            }
        }
    }

    static boolean checkKind(String attention) {
        if ("qama".equals(attention)) {
            return true;
        }
        if ("classical".equals(attention)) {
            return false;
        }
        throw new IllegalArgumentException(
                "attention kind '" + attention + "' is not one of qama, classical");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Block block(
            boolean qama, SolverStatistics backend, int heads, int headSize, long seed) {
        int e = heads * headSize;
        if (!qama) {
            return ScaledDotProductAttentionBlock.builder()
                    .setEmbeddingSize(e)
                    .setHeadCount(heads)
                    .optAttentionProbsDropoutProb(0f)
                    .build();
        }
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(e)
                .setHeadCount(heads)
                .optAttentionProbsDropoutProb(0f)
                .optFormulation(QamaAttentionBlock.Formulation.PAPER_V2)
                .optCouplingForm(QamaAttentionBlock.CouplingForm.FACTORED)
                .optOutputMode(QamaAttentionBlock.OutputMode.VALUES)
                .optBackend(backend)
                .optSeed(seed)
                .build();
    }

    /** One forward + backward pass of a fresh block; every array is freed afterwards. */
    private static void pass(Block block, int tokens, int heads, int headSize) {
        int e = heads * headSize;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(1, tokens, e));
            x.setRequiresGradient(true);
            block.initialize(manager, DataType.FLOAT32, x.getShape());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out =
                        block.forward(new ParameterStore(manager, false), new NDList(x), true)
                                .head();
                gc.backward(out.sum());
            }
            // touch the gradient so that the backward pass has certainly run
            x.getGradient().sum().getFloat();
        }
    }

    /**
     * Child-JVM entry point: {@code attention tokens heads headSize backend seed}; prints one line
     * {@value #RESULT_PREFIX}CSV on stdout.
     */
    public static void main(String[] args) {
        if (args.length != 6) {
            System.err.println(
                    "usage: LongSeqRun qama|classical TOKENS HEADS HEAD_SIZE BACKEND SEED");
            System.exit(2);
        }
        LongSeqResult r;
        try {
            r =
                    measure(
                            args[0],
                            Integer.parseInt(args[1]),
                            Integer.parseInt(args[2]),
                            Integer.parseInt(args[3]),
                            args[4],
                            Long.parseLong(args[5]));
        } catch (RuntimeException | Error e) {
            // the parent shows the message (ChildJvm.errorLine); exit even if
            // PyTorch's or a backend's threads would keep the JVM alive
            e.printStackTrace();
            System.err.flush();
            System.exit(1);
            return;
        }
        System.out.println(RESULT_PREFIX + r.toCsv());
        System.out.flush();
        // PyTorch's threads may keep the JVM alive
        System.exit(0);
    }
}
