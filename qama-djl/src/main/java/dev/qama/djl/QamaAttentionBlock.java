package dev.qama.djl;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.PaperV1Formulation;
import dev.qama.core.formulation.PaperV2Formulation;
import dev.qama.core.formulation.V1CouplingMode;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A multi-head attention block whose heads are solved as QUBOs by an annealer backend: QAMA,
 * "Quantum annealing multi-head attention operator with classical deep learning framework" (Du, Shi
 * et al., arXiv 2504.11083), as a drop-in replacement of DJL's {@code
 * ScaledDotProductAttentionBlock}.
 *
 * <p>Dimensions: B batch, N tokens (the QUBO needs as many queries as keys), E embedding size, H
 * heads, d = E/H head width, q soft-selection bits.
 *
 * <h2>Inputs and outputs (as DJL's block)</h2>
 *
 * <ul>
 *   <li>[X] (B, N, E): self-attention;
 *   <li>[X, mask]: masked self-attention;
 *   <li>[K, Q, V] (B, N, E) each, keys first;
 *   <li>[K, Q, V, mask].
 * </ul>
 *
 * A mask holds 1 for a (query, key) pair to keep and 0 to drop, with shape (B, N, N) as in DJL, or
 * (B, N) (one flag per token, an extension), or a 4-D additive offset (B, 1 or H, N, N) as DJL's
 * stacked models pass it (0 = keep, −10⁵ = drop). A key token that no query keeps is masked: the
 * solver can never select it. The output is (B, N, E).
 *
 * <h2>Forward pass</h2>
 *
 * <ol>
 *   <li>keyProjection, queryProjection, valueProjection (Linear E → E with bias) and a reshape to
 *       heads: (B, N, E) → (B, H, N, d);
 *   <li>one host copy of Q, K, V, e and the mask, from which qama-core's formulation ({@link
 *       PaperV2Formulation} or {@link PaperV1Formulation}) builds one {@link AttentionProblem} per
 *       batch element (H·N·q binaries); one {@link AnnealerBackend#solve} call for the whole batch;
 *   <li>the best state of each problem as constant selection weights w (B, H, N);
 *   <li>the per-token energies H_{t,i} at w, recomputed with NDArray operations with the
 *       coefficients of the same formulation object, so that autograd gives exactly ∂E/∂(Q, K, V,
 *       e) at the fixed solution ("gradient conduction");
 *   <li>the heads' output by the {@link OutputMode}, probabilityDropout, the reshape (B, H, N, d) →
 *       (B, N, E) and resultProjection.
 * </ol>
 *
 * The formulas, their gradients and the cost of every option are in docs/djl-integration.md and
 * docs/math.md (section "The DJL block").
 *
 * <h2>Parameters and serialisation</h2>
 *
 * The children are DJL's, with the same names and order: keyProjection, queryProjection,
 * valueProjection, resultProjection, probabilityDropout; paper-v2 adds a sixth child,
 * valueImportance (the vector e, length d, initialised to ones). Parameter files of DJL's block
 * load into this one (e is then reset to ones). Files of this block load into DJL's when saved with
 * {@link #setParameterLayout setParameterLayout(ParameterLayout.CLASSICAL)} (e is dropped); the
 * default layout appends e after a marker, which DJL's block reads only as the end of a standalone
 * file. See {@link #loadParameters}.
 *
 * <h2>Determinism and threads</h2>
 *
 * Batch element b is solved with its own seed, derived from {@link Builder#optSeed the block's
 * seed} and the keep flags of b's own mask (see {@link #elementSeed}), never from its position or
 * its neighbours: an input gives the same selection alone, in any batch, at any position and with
 * any thread count, so a served model's answer does not depend on what else is in the batch. The
 * values of Q, K, V are deliberately not hashed: the engine's matrix products can differ in the
 * last bit between batch sizes, and a hash of the values would then pick another random stream and
 * another selection. Inference passes ({@code training == false}) use the same streams on every
 * call; training passes also mix in the number of the training pass on this block (1, 2, ...), so
 * successive steps draw fresh streams while a run stays reproducible from its seed. The block holds
 * no other per-call state, so concurrent forward passes are safe (if the backend is thread-safe, as
 * the SPI requires).
 */
// Tensor dimension names as in the paper.
@SuppressWarnings({"LocalVariableName", "ParameterName"})
public final class QamaAttentionBlock extends AbstractBlock {

    /** Same as DJL's block, so that its parameter files pass the version check. */
    private static final byte VERSION = 1;

    /** Precedes the parameters of our own children in a saved file ("QAMA"). */
    static final int MARKER = 0x51414D41;

    /** Precedes the block's training-pass count in a saved file ("QAMS"). */
    static final int STATE_MARKER = 0x51414D53;

    private static final int DJL_CHILDREN = 5;

    /**
     * The default of {@link Builder#optUnselectedPenalty}: a key the annealer left out stays in the
     * softmax with its logit lowered by 1 (weight × e^−1 ≈ 0.37), reached gradually over the
     * selection warm-up ({@link #DEFAULT_SELECTION_WARMUP}). Chosen on validation splits (digits,
     * 10 seeds; full Fashion-MNIST, 2 seeds; docs/results.md, "β = 1 over 300 passes: the new
     * default"): level with classical attention at every checkpoint, and random selections in place
     * of the annealer's end clearly below it (on the digits and MNIST test splits by 3.6 and 2.4
     * points). The previous default, β = 0.5 over 150 passes, kept parity too, but at full size the
     * model learned to live with any selection (random selections ended level with it). Dropping
     * left-out keys outright (∞, the first releases) learned 5 points more slowly.
     */
    public static final double DEFAULT_UNSELECTED_PENALTY = 1.0;

    /**
     * The default of {@link Builder#optEnergyScale}: the per-token energies enter the mixing logits
     * at a tenth of their value; at 1 their bias slowed learning by about 3 points whether the
     * selection was the annealer's or random (docs/results.md, "Learning speed").
     */
    public static final double DEFAULT_ENERGY_SCALE = 0.1;

    /**
     * The default of {@link Builder#optSelectionWarmup}: β and γ grow from 0 to their values over
     * the block's first 300 training passes (optimiser steps), so that the selections of the
     * untrained projections, which are no better than random ones, do not steer the first steps,
     * and a short run on small data (the digits' 20 epochs are 240 passes) keeps a gentle mix. On
     * validation splits (docs/results.md) this kept QAMA level with classical attention from the
     * first checkpoint (2–3 points behind without a warm-up) while random selections still end
     * clearly below the annealer's.
     */
    public static final long DEFAULT_SELECTION_WARMUP = 300;

    /** {@code make}'s array, made on the first call only (the same array on every call). */
    private static java.util.function.Supplier<NDArray> once(
            java.util.function.Supplier<NDArray> make) {
        NDArray[] made = new NDArray[1];
        return () -> {
            if (made[0] == null) {
                made[0] = make.get();
            }
            return made[0];
        };
    }

    /**
     * The QUBO formulation of the heads. Each constant delegates to its formulation's one
     * package-private description (name, default bits, learned parameters, how its terms are
     * built), so a new formulation is its classes and one constant here.
     */
    public enum Formulation {
        /**
         * Paper v1: q soft-selection bits per (head, token), J_ij = 1 − JSD(softmax(Q_i) ‖
         * softmax(K_j)) in bits (with its diagonal), h_i = entropy in bits of softmax(V_i), a
         * multi-head penalty. Builds an (N, N, d) tensor per head.
         */
        PAPER_V1(PaperV1Terms.FORMULATION),
        /**
         * Paper v2: J = (S + Sᵀ)/2 without diagonal, S = QKᵀ/√d; h = (1/d)·V·e with a learned e;
         * coupling weight c_q, linear weight c_l·N, multi-head penalty c_p·√(2/π)·N/(H−1).
         */
        PAPER_V2(PaperV2Terms.FORMULATION);

        private final HeadFormulation kind;

        Formulation(HeadFormulation kind) {
            this.kind = kind;
        }

        /** The description the block and its builder work with. */
        HeadFormulation kind() {
            return kind;
        }

        /**
         * The name on the command line and in result files, that of the qama-core formulation:
         * {@code paper-v1}, {@code paper-v2}.
         */
        public String cliName() {
            return kind.cliName();
        }

        /** Soft-selection bits q per (head, token) unless {@link Builder#optBits} sets them. */
        public int defaultBits() {
            return kind.defaultBits();
        }

        /**
         * Whether the block learns a value-importance vector e (the child valueImportance, saved
         * after {@link QamaAttentionBlock#MARKER}): paper-v2.
         */
        public boolean learnsValueImportance() {
            return kind.learnsValueImportance();
        }

        /**
         * The qama-core formulation with its default coefficients, as a block built with only
         * {@link Builder#optBits} and {@link Builder#optCouplingForm} set uses it, for building
         * QUBOs without a block (benchmarks, tests).
         *
         * @param bits q, 1 to 16
         * @param couplingForm how couplings reach the solver
         * @param valueImportance e (length d) if the formulation {@link #learnsValueImportance
         *     learns one}, else ignored
         * @throws IllegalArgumentException naming the value if an argument does not fit
         */
        public dev.qama.core.formulation.Formulation coreFormulation(
                int bits,
                dev.qama.core.formulation.CouplingForm couplingForm,
                float[] valueImportance) {
            if (kind.learnsValueImportance() && valueImportance == null) {
                throw new IllegalArgumentException(
                        cliName() + " needs a value importance e, got null");
            }
            AttentionProblem.bitWeights(bits); // validates q
            HeadFormulation.Options o =
                    new HeadFormulation.Options(
                            bits,
                            couplingForm,
                            V1CouplingMode.SIMILARITY,
                            0,
                            Double.NaN,
                            Double.NaN,
                            Double.NaN,
                            valueImportance);
            int d = valueImportance == null ? 1 : valueImportance.length;
            return kind.terms(o, d).formulation();
        }

        /**
         * The formulation with this {@link #cliName()} (case-insensitive, surrounding blanks
         * ignored; {@code paper_v2} is accepted): the one mapping used by {@code qama train},
         * {@code qama bench attention}, result files and the JMH fixtures.
         *
         * @throws IllegalArgumentException naming the value and the accepted names
         */
        public static Formulation parse(String name) {
            if (name != null) {
                String n = name.trim().replace('_', '-');
                for (Formulation f : values()) {
                    if (f.cliName().equalsIgnoreCase(n)) {
                        return f;
                    }
                }
            }
            StringBuilder valid = new StringBuilder();
            for (Formulation f : values()) {
                valid.append(valid.length() == 0 ? "" : ", ").append(f.cliName());
            }
            throw new IllegalArgumentException("formulation '" + name + "' is not one of " + valid);
        }

        /** The constant that delegates to {@code kind}, or null for one plugged in otherwise. */
        static Formulation of(HeadFormulation kind) {
            for (Formulation f : values()) {
                if (f.kind == kind) {
                    return f;
                }
            }
            return null;
        }
    }

    /** What the heads output. */
    public enum OutputMode {
        /**
         * The paper's output: per-token energy times a learned value direction, O_{t,i} = H_{t,i}·e
         * (v2) or H_{t,i}·softmax(V_{t,i}) (v1). O(N·d) memory beyond the couplings.
         */
        PAPER,
        /**
         * This library's extension, a true attention layer: each query mixes the value vectors of
         * the keys it may see, with weights softmax_j(−γ·H_{t,j}/n_t + log w_{t,j}) for the keys
         * the annealer selected and −β for the others ({@link Builder#optEnergyScale γ}, {@link
         * Builder#optUnselectedPenalty β}). Without a per-query mask every query gets the same mix
         * (O(N·d) memory); with one, (N, N) weights.
         */
        VALUES,
        /**
         * This library's extension, attention steered by the annealer's selection: each query i
         * mixes the value vectors of the keys j it may see, with weights softmax_j(q_i·k_j/√d −
         * γ·H_{t,j}/n_t + log w_{t,j}) for the selected keys and q_i·k_j/√d − β for the keys the
         * annealer left out ({@link Builder#optEnergyScale γ}, default 0.1; {@link
         * Builder#optUnselectedPenalty β}, default 1; β = ∞ restricts the attention to the
         * selection). Unlike {@link #VALUES} every query gets its own mix, as in DJL's
         * ScaledDotProductAttentionBlock; the energy term still carries the gradient through the
         * QUBO. Memory is that of classical attention, (B, H, N, N) weights.
         */
        SELECTED_KEYS;

        /**
         * The name on the command line and in result files: {@code paper}, {@code values}, {@code
         * selected-keys}.
         */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /**
         * The mode with this {@link #cliName()} (case-insensitive, surrounding blanks ignored;
         * {@code selected_keys} is accepted).
         *
         * @throws IllegalArgumentException naming the value and the accepted names
         */
        public static OutputMode parse(String name) {
            if (name != null) {
                String n = name.trim().replace('_', '-');
                for (OutputMode m : values()) {
                    if (m.cliName().equalsIgnoreCase(n)) {
                        return m;
                    }
                }
            }
            StringBuilder valid = new StringBuilder();
            for (OutputMode m : values()) {
                valid.append(valid.length() == 0 ? "" : ", ").append(m.cliName());
            }
            throw new IllegalArgumentException("output mode '" + name + "' is not one of " + valid);
        }
    }

    /**
     * How paper-v2 couplings are handed to the solver: an alias of qama-core's {@link
     * dev.qama.core.formulation.CouplingForm}, which decides.
     *
     * @deprecated use {@link Builder#optCouplingForm(dev.qama.core.formulation.CouplingForm)}
     */
    @Deprecated
    public enum CouplingForm {
        /** qama-core's AUTO: LOW_RANK when d ≤ N, else DENSE. */
        AUTO,
        /** A dense N×N matrix per head. */
        DENSE,
        /** qama-core's LOW_RANK: the factors Q, K per head, no N×N array (paper-v2 only). */
        FACTORED;

        dev.qama.core.formulation.CouplingForm core() {
            return switch (this) {
                case AUTO -> dev.qama.core.formulation.CouplingForm.AUTO;
                case DENSE -> dev.qama.core.formulation.CouplingForm.DENSE;
                case FACTORED -> dev.qama.core.formulation.CouplingForm.LOW_RANK;
            };
        }
    }

    private final int embeddingSize;
    private final int headCount;
    private final int headSize;
    private final HeadFormulation formulation;
    private final OutputMode outputMode;
    private final int bits;
    private final long seed;
    private final boolean selectionGradient;
    private final boolean averageReads;
    private final double unselectedPenalty;
    private final double energyScale;
    private final long selectionWarmup;
    private final int reads;
    private final Duration timeLimit;
    private final boolean warmStarts;
    private final String backendName;
    private final HeadTerms terms;
    private final Object backendLock = new Object();

    /**
     * Training passes so far: mixed into the solver seeds so that training steps vary, and the
     * clock of the selection warm-up. Saved with the parameters (QAMA layout).
     */
    private final java.util.concurrent.atomic.AtomicLong trainingPasses =
            new java.util.concurrent.atomic.AtomicLong();

    private volatile AnnealerBackend backend;

    /**
     * With warm starts: each example key's best state of its last training solve ({@link
     * SampleKeys}); not saved with the parameters.
     */
    private final java.util.Map<Long, byte[]> lastSelections =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Linear keyProjection;
    private final Linear queryProjection;
    private final Linear valueProjection;
    private final Linear resultProjection;
    private final Dropout probabilityDropout;
    private final ValueImportanceBlock valueImportance;

    /** The output mode's head computation, chosen once from {@link #outputMode}. */
    private final HeadOutput headOutput;

    private QamaAttentionBlock(Builder b, HeadTerms terms, String backendName) {
        super(VERSION);
        this.embeddingSize = b.embeddingSize;
        this.headCount = b.headCount;
        this.headSize = b.embeddingSize / b.headCount;
        this.formulation = b.formulation;
        this.outputMode = b.outputMode;
        this.bits = terms.bits();
        this.seed = b.seed;
        this.selectionGradient = b.selectionGradient;
        this.averageReads = b.averageReads;
        this.unselectedPenalty = b.unselectedPenalty;
        this.energyScale = b.energyScale;
        this.selectionWarmup = b.selectionWarmup;
        this.reads = b.reads;
        this.timeLimit = b.timeLimit;
        this.warmStarts = b.warmStarts;
        this.backendName = backendName;
        this.backend = b.backend;
        this.terms = terms;
        keyProjection = addChildBlock("keyProjection", projection());
        queryProjection = addChildBlock("queryProjection", projection());
        valueProjection = addChildBlock("valueProjection", projection());
        resultProjection = addChildBlock("resultProjection", projection());
        probabilityDropout =
                addChildBlock(
                        "probabilityDropout",
                        Dropout.builder().optRate(b.attentionProbsDropoutProb).build());
        valueImportance =
                formulation.learnsValueImportance()
                        ? addChildBlock("valueImportance", new ValueImportanceBlock(headSize))
                        : null;
        headOutput =
                switch (outputMode) {
                    case PAPER -> new PaperHeads(probabilityDropout);
                    case VALUES -> mixer(false);
                    case SELECTED_KEYS -> mixer(true);
                };
    }

    /**
     * The training passes this block has made (restored by {@link #loadParameters}; a file without
     * the count, such as one written by DJL or before the count was saved, counts as fully warmed
     * up).
     */
    public long getTrainingPasses() {
        return trainingPasses.get();
    }

    /**
     * r = min(1, passes / warm-up), the share of β and γ in use ({@link
     * Builder#optSelectionWarmup}).
     */
    double selectionRamp() {
        return selectionWarmup == 0
                ? 1.0
                : Math.min(1.0, (double) trainingPasses.get() / selectionWarmup);
    }

    /** The shared value mixing of VALUES ({@code queryKeyScores} false) and SELECTED_KEYS. */
    private MixedHeads mixer(boolean queryKeyScores) {
        return new MixedHeads(
                probabilityDropout,
                headCount,
                headSize,
                unselectedPenalty,
                energyScale,
                this::selectionRamp,
                selectionGradient,
                queryKeyScores);
    }

    private Linear projection() {
        return Linear.builder().setUnits(embeddingSize).optBias(true).build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The key projection (Linear E → E with bias). */
    public Linear getKeyProjection() {
        return keyProjection;
    }

    /** The query projection (Linear E → E with bias). */
    public Linear getQueryProjection() {
        return queryProjection;
    }

    /** The value projection (Linear E → E with bias). */
    public Linear getValueProjection() {
        return valueProjection;
    }

    /** The result projection (Linear E → E with bias). */
    public Linear getResultProjection() {
        return resultProjection;
    }

    /** E. */
    public int getEmbeddingSize() {
        return embeddingSize;
    }

    /** H. */
    public int getHeadCount() {
        return headCount;
    }

    /**
     * The formulation; null only for a formulation that is none of {@link Formulation}'s (plugged
     * in within this package, as tests do).
     */
    public Formulation getFormulation() {
        return Formulation.of(formulation);
    }

    /** The output mode. */
    public OutputMode getOutputMode() {
        return outputMode;
    }

    /** Soft-selection bits q per (head, token). */
    public int getBits() {
        return bits;
    }

    /**
     * The qama-core formulation whose coefficients the solver and the gradient share: a {@link
     * PaperV2Formulation} (its value importance is a placeholder of ones; each forward pass uses a
     * copy with the current e) or a {@link PaperV1Formulation}.
     */
    public dev.qama.core.formulation.Formulation getCoreFormulation() {
        return terms.formulation();
    }

    /**
     * The backend; a backend given by name (or the default) is created on first use and kept.
     *
     * @throws IllegalArgumentException or IllegalStateException if it cannot be created
     */
    public AnnealerBackend getBackend() {
        AnnealerBackend b = backend;
        if (b == null) {
            synchronized (backendLock) {
                b = backend;
                if (b == null) {
                    b =
                            backendName == null
                                    ? Annealers.createDefault()
                                    : Annealers.create(backendName);
                    backend = b;
                }
            }
        }
        return b;
    }

    /**
     * The output shape (B, N, E): that of X, or of the queries for [K, Q, V(, mask)].
     *
     * @throws IllegalArgumentException if there are not 1 to 4 shapes or the input is not (B, N, E)
     *     with this block's E
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape out;
        if (inputShapes.length == 1 || inputShapes.length == 2) {
            out = inputShapes[0];
        } else if (inputShapes.length == 3 || inputShapes.length == 4) {
            out = inputShapes[1];
        } else {
            throw new IllegalArgumentException(
                    "Invalid number of input shapes: " + inputShapes.length + ", must be 1-4.");
        }
        if (out.dimension() != 3 || out.get(2) != embeddingSize) {
            throw new IllegalArgumentException(
                    "QamaAttentionBlock input must have shape (B, N, E="
                            + embeddingSize
                            + "), got "
                            + out);
        }
        return new Shape[] {out};
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape projectionShape = new Shape(-1L, embeddingSize);
        int c = 0;
        for (Block child : children.values()) {
            if (c++ < DJL_CHILDREN) {
                child.initialize(manager, DataType.FLOAT32, projectionShape);
            }
        }
        if (valueImportance != null) {
            valueImportance.initialize(manager, DataType.FLOAT32, new Shape(headSize));
        }
    }

    /** How {@link #saveParameters} writes this block. */
    public enum ParameterLayout {
        /**
         * DJL's layout followed, for paper-v2, by {@link #MARKER} and the value importance e (the
         * default): everything this block needs to give the same outputs after loading.
         */
        QAMA,
        /**
         * Exactly the layout of DJL's {@code ScaledDotProductAttentionBlock}: the four projections
         * and the dropout, e dropped. A model saved so loads into the same model built with DJL's
         * attention (a QAMA-trained attention handed to a classical block), and back into QAMA
         * blocks, whose e is then reset to ones.
         */
        CLASSICAL
    }

    private volatile ParameterLayout parameterLayout = ParameterLayout.QAMA;

    /**
     * Chooses how later {@link #saveParameters} calls write this block (default {@link
     * ParameterLayout#QAMA}). To hand a trained QAMA model to DJL's classical attention: set {@link
     * ParameterLayout#CLASSICAL} on each QAMA block (for a whole model: {@link
     * #setParameterLayout(Block, ParameterLayout)}), then {@code model.save}.
     *
     * @return this block
     */
    public QamaAttentionBlock setParameterLayout(ParameterLayout layout) {
        if (layout == null) {
            throw new IllegalArgumentException("parameter layout is null");
        }
        this.parameterLayout = layout;
        return this;
    }

    /**
     * Sets the layout of every QAMA attention block in the tree under {@code root} (root included).
     *
     * @return the number of QAMA blocks set
     */
    public static int setParameterLayout(Block root, ParameterLayout layout) {
        int n = 0;
        if (root instanceof QamaAttentionBlock q) {
            q.setParameterLayout(layout);
            n++;
        }
        for (Block child : root.getChildren().values()) {
            n += setParameterLayout(child, layout);
        }
        return n;
    }

    /** The layout {@link #saveParameters} writes. */
    public ParameterLayout getParameterLayout() {
        return parameterLayout;
    }

    /**
     * Writes DJL's layout (version, input shapes, the five children of DJL's block), then, in the
     * {@link ParameterLayout#QAMA} layout, for paper-v2 {@link #MARKER} and the valueImportance
     * child, and for every formulation {@link #STATE_MARKER} and the training-pass count.
     */
    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        os.write(version);
        saveMetadata(os);
        int c = 0;
        for (Block child : children.values()) {
            if (c++ < DJL_CHILDREN) {
                child.saveParameters(os);
            }
        }
        if (parameterLayout == ParameterLayout.QAMA) {
            if (valueImportance != null) {
                os.writeInt(MARKER);
                valueImportance.saveParameters(os);
            }
            os.writeInt(STATE_MARKER);
            os.writeLong(trainingPasses.get());
        }
    }

    /**
     * Reads a file of this block or of DJL's {@code ScaledDotProductAttentionBlock}. After DJL's
     * five children, the paper-v2 vector e is read if {@link #MARKER} follows; otherwise (a DJL
     * file) e is reset to ones. Then the training-pass count is read if {@link #STATE_MARKER}
     * follows; otherwise (DJL's file, the CLASSICAL layout, an older file) the block counts as
     * warmed up. To look ahead without consuming a sibling's bytes the stream must support
     * mark/reset (DJL's {@code Model.load} wraps it in a BufferedInputStream); without it, a DJL
     * file is recognised only at the end of the stream.
     */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        byte loadVersion = is.readByte();
        loadMetadata(loadVersion, is);
        int c = 0;
        for (Block child : children.values()) {
            if (c++ < DJL_CHILDREN) {
                child.loadParameters(manager, is);
            }
        }
        loadOwnParameters(manager, is);
        trainingPasses.set(intFollows(is, STATE_MARKER) ? is.readLong() : Long.MAX_VALUE / 2);
    }

    /** What follows DJL's five children: paper-v2's e (after {@link #MARKER}). */
    private void loadOwnParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        if (valueImportance != null) {
            if (intFollows(is, MARKER)) {
                valueImportance.loadParameters(manager, is);
            } else {
                valueImportance.importance().close();
                valueImportance.importance().initialize(manager, DataType.FLOAT32);
            }
        } else if (is.markSupported()) {
            // a paper-v2 file in a paper-v1 block: say so here, not as "Unsupported encoding
            // version: 81" (the marker's first byte) in whichever block reads next
            is.mark(Integer.BYTES);
            boolean marker;
            try {
                marker = is.readInt() == MARKER;
            } catch (EOFException e) {
                marker = false;
            }
            is.reset();
            if (marker) {
                throw new MalformedModelException(
                        "QamaAttentionBlock: the file holds a paper-v2 QAMA attention (with its"
                                + " value importance e) but this block is "
                                + formulationName(formulation)
                                + "; build the block with PAPER_V2, or save the file with"
                                + " setParameterLayout(ParameterLayout.CLASSICAL)");
            }
        }
    }

    /**
     * Whether {@code marker} comes next (then consumed). Without mark/reset the next int is read
     * unless the stream is at its end, and must be the marker.
     */
    private static boolean intFollows(DataInputStream is, int marker)
            throws IOException, MalformedModelException {
        if (is.markSupported()) {
            is.mark(Integer.BYTES);
            try {
                if (is.readInt() == marker) {
                    return true;
                }
            } catch (EOFException e) {
                // a DJL file ending here
            }
            is.reset();
            return false;
        }
        if (is.available() <= 0) {
            return false;
        }
        int m = is.readInt();
        if (m != marker) {
            throw new MalformedModelException(
                    "QamaAttentionBlock: expected the marker 0x"
                            + Integer.toHexString(marker)
                            + " after the projections, got 0x"
                            + Integer.toHexString(m)
                            + "; to load a DJL ScaledDotProductAttentionBlock file inside a larger"
                            + " model, pass a stream that supports mark/reset");
        }
        return true;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Inputs in = Inputs.parse(inputs, embeddingSize, headCount);
        long B = in.batch;
        long N = in.tokens;
        long H = headCount;
        long d = headSize;
        long[] examples = training && warmStarts ? SampleKeys.current() : null;
        if (examples != null && examples.length != B) {
            throw new IllegalArgumentException(
                    "SampleKeys names "
                            + examples.length
                            + " examples, but the batch has "
                            + B
                            + " (one key per batch row)");
        }
        NDArray keys = keyProjection.forward(ps, new NDList(in.keys), training, params).head();
        NDArray queries =
                queryProjection.forward(ps, new NDList(in.queries), training, params).head();
        NDArray values =
                valueProjection.forward(ps, new NDList(in.values), training, params).head();
        // (B, N, E) -> (B, N, H, d) -> (B, H, N, d); one (B, N, H, d) view of each projection,
        // shared by the heads and the token-major terms, so that their gradients meet in one
        // buffer before the view's backward (docs/benchmarks.md, "Training step cost")
        NDArray kn = keys.reshape(B, N, H, d);
        NDArray qn = queries.reshape(B, N, H, d);
        NDArray vn = values.reshape(B, N, H, d);
        NDArray kh = kn.transpose(0, 2, 1, 3);
        NDArray qh = qn.transpose(0, 2, 1, 3);
        NDArray vh = vn.transpose(0, 2, 1, 3);
        NDArray e = null;
        if (valueImportance != null) {
            // an alias owned by this pass's manager: the arrays derived from it (host copy,
            // reshapes) are freed with the pass instead of piling up in the parameters' manager
            NDArray param = ps.getValue(valueImportance.importance(), kh.getDevice(), training);
            e = param.reshape(param.getShape());
            e.attach(kh.getManager());
        }
        NDManager manager = kh.getManager();
        // the pass's download: Q, K, V in heads (B, H, N, d), e and the mask; the engine
        // rearranges the projections into heads as it joins the transposed views (one strided
        // copy in native code, cheaper than rearranging them in Java; docs/benchmarks.md, "Block
        // forward at 128 × 49")
        float[][] down = Host.copyOut(qh, kh, vh, e, in.maskTensor(manager)).parts();
        in.readMask(down[4]);
        Host.Heads host =
                new Host.Heads(
                        in.batch, headCount, in.tokens, headSize, down[0], down[1], down[2],
                        down[3]);
        HeadTerms.Prepared p = terms.prepare(qh, kh, vh, e, host, in.flatMask());
        p.tokenMajor(qn, kn, vn);
        if (!training) {
            p.inference();
        }

        float[] w = solve(p, in, training ? trainingPasses.incrementAndGet() : 0, examples);
        // w as a constant NDArray and the per-token energies (B, H, N), built when the output mode
        // first asks for them (SELECTED_KEYS and VALUES take their constants from the host w)
        java.util.function.Supplier<NDArray> device =
                once(() -> manager.create(w, new Shape(B, H, N))); // constant: no gradient
        java.util.function.Supplier<NDArray> energies = once(() -> p.tokenEnergies(device.get()));
        NDArray heads = // (B, H, N, d)
                headOutput.heads(
                        ps,
                        training,
                        in,
                        new HeadOutput.Selection(p, w, device, energies, qh, kh, vh));
        NDArray merged = heads.transpose(0, 2, 1, 3).reshape(B, N, (long) embeddingSize);
        return resultProjection.forward(ps, new NDList(merged), training, params);
    }

    /**
     * The solver seed of one batch element: a function of the block's seed, the element's own mask
     * and, in training, the pass number; never of its position or neighbours in the batch.
     *
     * @param elementHash the hash of the element's keep flags (0 without a mask)
     * @param pass 0 for inference, else the number of this training pass (1, 2, ...)
     */
    static long elementSeed(long seed, long elementHash, long pass) {
        long s = Seeds.forStream(seed, elementHash);
        return pass == 0 ? s : Seeds.forStream(s, pass);
    }

    /**
     * Builds the B problems, solves them in one call and returns w (B, H, N) row-major.
     *
     * @param pass 0 for inference, else the number of the training pass (see {@link #elementSeed})
     * @param keys the examples' keys when this pass warm-starts its solves, else null
     */
    private float[] solve(HeadTerms.Prepared p, Inputs in, long pass, long[] keys) {
        int batch = in.batch;
        int tokens = in.tokens;
        List<AttentionProblem> problems = p.problems();
        long[] seeds = new long[batch];
        for (int b = 0; b < batch; b++) {
            seeds[b] = elementSeed(seed, in.elementHash[b], pass);
        }
        SolveRequest request =
                SolveRequest.builder(problems)
                        .seed(seed)
                        .problemSeeds(seeds)
                        .reads(reads)
                        .timeLimit(timeLimit)
                        .initialStates(keys == null ? null : warmStartsFor(problems, keys))
                        .build();
        AnnealerBackend solver = getBackend();
        BatchResult result = solver.solve(request);
        if (result.size() != batch) {
            throw new IllegalStateException(
                    "backend '"
                            + solver.name()
                            + "' returned "
                            + result.size()
                            + " results for "
                            + batch
                            + " problems");
        }
        float[] w = new float[batch * headCount * tokens];
        Host.forEach( // each element writes its own (H, N) slice of w
                batch,
                b -> {
                    AttentionProblem problem = problems.get(b);
                    SolveResult r = result.get(b);
                    int used = averageReads ? r.size() : 1; // reads come best first
                    for (int read = 0; read < used; read++) {
                        byte[] x = r.state(read); // a copy
                        problem.checkState(x); // a backend that selects a masked token is a bug
                        if (read == 0 && keys != null) {
                            lastSelections.put(keys[b], x); // the best: the next warm start
                        }
                        double[] wb = problem.weights(x);
                        for (int k = 0; k < wb.length; k++) {
                            w[b * wb.length + k] += (float) (wb[k] / used);
                        }
                    }
                });
        return w;
    }

    /**
     * The warm starts of a batch: each key's last best state where it is still a state of the
     * example's problem (a key reused for an example of another length or mask starts cold), else
     * null; null when no key has one.
     */
    private List<byte[]> warmStartsFor(List<AttentionProblem> problems, long[] keys) {
        List<byte[]> states = new java.util.ArrayList<>(keys.length);
        boolean any = false;
        for (int b = 0; b < keys.length; b++) {
            byte[] s = lastSelections.get(keys[b]);
            if (s != null) {
                try {
                    problems.get(b).checkState(s);
                } catch (IllegalArgumentException notAState) {
                    s = null;
                }
            }
            any |= s != null;
            states.add(s);
        }
        return any ? states : null;
    }

    /**
     * How many examples have a selection stored for their next warm start ({@link
     * Builder#optWarmStarts}); 0 without warm starts.
     */
    public int getWarmStartCount() {
        return lastSelections.size();
    }

    /** Forgets the stored selections: the next pass over every example solves from scratch. */
    public void clearWarmStarts() {
        lastSelections.clear();
    }

    /**
     * VALUES and SELECTED_KEYS's mixing of the value vectors with this block's β, γ and dropout:
     * see {@link MixedHeads#mix}.
     *
     * @param fields (B, H, N) local fields of the selection, or null for the plain gradient
     */
    NDArray mixValues(
            ParameterStore ps,
            boolean training,
            Inputs in,
            float[] w,
            NDArray tok,
            NDArray vh,
            NDArray fields) {
        return mixer(false).mix(ps, training, in, w, tok, vh, null, null, fields);
    }

    @Override
    public String toString() {
        return "QamaAttentionBlock(E="
                + embeddingSize
                + ", H="
                + headCount
                + ", "
                + formulationName(formulation)
                + ", q="
                + bits
                + ", "
                + outputMode
                + ")";
    }

    /** The enum's name (PAPER_V2) for the public formulations, else the CLI name. */
    private static String formulationName(HeadFormulation f) {
        Formulation e = Formulation.of(f);
        return e != null ? e.name() : f == null ? "null" : f.cliName();
    }

    /**
     * A builder. Required: {@link #setEmbeddingSize}, {@link #setHeadCount}. Coefficients left
     * unset take the defaults of the formulation.
     */
    public static final class Builder {
        private int embeddingSize;
        private int headCount;
        private float attentionProbsDropoutProb = 0.1f;
        private HeadFormulation formulation = Formulation.PAPER_V2.kind();
        private OutputMode outputMode = OutputMode.SELECTED_KEYS;
        private dev.qama.core.formulation.CouplingForm couplingForm =
                dev.qama.core.formulation.CouplingForm.AUTO;
        private V1CouplingMode v1CouplingMode = V1CouplingMode.SIMILARITY;
        private double longRangeWeight;
        private int bits;
        private double couplingScale = Double.NaN;
        private double linearScale = Double.NaN;
        private double penaltyScale = Double.NaN;
        private long seed;
        private boolean selectionGradient;
        private boolean averageReads;
        private double unselectedPenalty = DEFAULT_UNSELECTED_PENALTY;
        private double energyScale = DEFAULT_ENERGY_SCALE;
        private long selectionWarmup = DEFAULT_SELECTION_WARMUP;
        private int reads = 1;
        private Duration timeLimit;
        private boolean warmStarts;
        private String backendName;
        private AnnealerBackend backend;

        private Builder() {}

        /** E, the embedding size; must be divisible by the head count. */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /** H, the number of heads. */
        public Builder setHeadCount(int headCount) {
            this.headCount = headCount;
            return this;
        }

        /**
         * The dropout rate in [0, 1) (default 0.1, as DJL): on the mixing weights α (VALUES) or on
         * the per-token energies (PAPER); either way it removes whole tokens.
         */
        public Builder optAttentionProbsDropoutProb(float rate) {
            this.attentionProbsDropoutProb = rate;
            return this;
        }

        /** The formulation (default {@link Formulation#PAPER_V2}). */
        public Builder optFormulation(Formulation formulation) {
            this.formulation = formulation == null ? null : formulation.kind();
            return this;
        }

        /** A formulation that is none of {@link Formulation}'s (within this package: tests). */
        Builder formulation(HeadFormulation formulation) {
            this.formulation = formulation;
            return this;
        }

        /**
         * The output mode (default {@link OutputMode#SELECTED_KEYS}: on the digits benchmark, 3
         * seeds, it reached 90.3 % against VALUES' 87.2 % and PAPER's 81.8 %, classical attention
         * 90.8 %; docs/results.md). Choose {@link OutputMode#VALUES} for long sequences: it needs
         * no (N, N) weights.
         */
        public Builder optOutputMode(OutputMode mode) {
            this.outputMode = mode;
            return this;
        }

        /**
         * How paper-v2 couplings reach the solver (default AUTO: LOW_RANK when d ≤ N, else DENSE;
         * see {@link dev.qama.core.formulation.CouplingForm#resolve}). The energy and its gradient
         * are computed from the factors Q, K either way.
         */
        public Builder optCouplingForm(dev.qama.core.formulation.CouplingForm form) {
            this.couplingForm = form;
            return this;
        }

        /**
         * The block's former alias of the coupling form (FACTORED = LOW_RANK).
         *
         * @deprecated use {@link #optCouplingForm(dev.qama.core.formulation.CouplingForm)}
         */
        @Deprecated
        public Builder optCouplingForm(CouplingForm form) {
            this.couplingForm = form == null ? null : form.core();
            return this;
        }

        /**
         * Paper-v1 only: J = 1 − JSD ({@link V1CouplingMode#SIMILARITY}, default) or the authors' J
         * = JSD ({@link V1CouplingMode#DIVERGENCE}).
         */
        public Builder optV1CouplingMode(V1CouplingMode mode) {
            this.v1CouplingMode = mode;
            return this;
        }

        /**
         * Paper-v1 only: γ ≥ 0 of the long-range term −γ Σ_t Σ_{i≠j} (|i−j|/(N−1)) w_i w_j (default
         * 0, off; see {@link PaperV1Formulation}).
         */
        public Builder optLongRangeWeight(double gamma) {
            this.longRangeWeight = gamma;
            return this;
        }

        /** Soft-selection bits q in [1, 16] (default 1 for paper-v2, 4 for paper-v1). */
        public Builder optBits(int q) {
            this.bits = q;
            return this;
        }

        /** The coupling scale: c_q (v2, default 1.0) or c_J (v1, default 1.0). */
        public Builder optCouplingScale(double scale) {
            this.couplingScale = scale;
            return this;
        }

        /**
         * The linear scale: c_l (v2, default 0.16; the linear weight is c_l·N) or c_h (v1, default
         * 1.0).
         */
        public Builder optLinearScale(double scale) {
            this.linearScale = scale;
            return this;
        }

        /**
         * The multi-head penalty scale: c_p (v2, default 0.8; ρ = c_p·√(2/π)·N/(H−1)) or λ_MH (v1,
         * default 2; ρ = λ_MH/(H(H−1)/2)). No penalty with one head.
         */
        public Builder optPenaltyScale(double scale) {
            this.penaltyScale = scale;
            return this;
        }

        /** The backend instance (not closed by the block). */
        public Builder optBackend(AnnealerBackend backend) {
            if (backend == null) {
                throw new IllegalArgumentException("backend is null");
            }
            this.backend = backend;
            this.backendName = null;
            return this;
        }

        /**
         * The backend by name (see {@link Annealers}); it is created on the first forward pass.
         * Without any optBackend, {@link Annealers#createDefault()} is used.
         *
         * @throws IllegalArgumentException listing the known names if none answers to it
         */
        public Builder optBackend(String name) {
            Annealers.provider(name); // fail early on a typo
            this.backendName = name;
            this.backend = null;
            return this;
        }

        /**
         * The selection gradient (default off; paper-v2 with VALUES or SELECTED_KEYS): in training
         * the output keeps the annealer's selection, but its gradient is that of the same mix over
         * every key with log σ(f/τ) in place of log w, f the local fields of the selection (a
         * straight-through estimator, see {@link QamaAttentionBlock#mixValues}), so that keys the
         * annealer left out and the QUBO's coefficients learn from the loss. Inference is not
         * affected.
         */
        public Builder optSelectionGradient(boolean on) {
            this.selectionGradient = on;
            return this;
        }

        /** The root seed of the solver (default 0); see the class javadoc. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The annealer as a sampler (default off): the selection weights are the mean of the reads'
         * weights (with q = 1, the share of reads that select each head's token) instead of the
         * best read's. Needs {@link #optReads} &gt; 1 to make a difference; a token no read selects
         * stays out.
         */
        public Builder optAverageReads(boolean on) {
            this.averageReads = on;
            return this;
        }

        /**
         * How VALUES and SELECTED_KEYS treat keys the annealer left out: with a finite β ≥ 0 they
         * stay in the softmax with the logit offset −β (a soft exclusion; default {@value
         * #DEFAULT_UNSELECTED_PENALTY}; β = 0 with no energy term would be DJL's attention); with
         * {@code Double.POSITIVE_INFINITY} they are dropped (the behaviour before this option).
         */
        public Builder optUnselectedPenalty(double beta) {
            this.unselectedPenalty = beta;
            return this;
        }

        /**
         * γ ≥ 0, the weight of the per-token energies in the mixing logits of VALUES and
         * SELECTED_KEYS, s = −γ·H_{t,j}/n_t (default {@value #DEFAULT_ENERGY_SCALE}; 1 was the
         * behaviour before this option). It scales the energy's share of the attention weights and
         * of the gradient that reaches the QUBO's terms through them, and leaves the QUBO (and so
         * the selection) alone.
         */
        public Builder optEnergyScale(double gamma) {
            this.energyScale = gamma;
            return this;
        }

        /**
         * The selection warm-up of VALUES and SELECTED_KEYS, in training passes (optimiser steps;
         * default {@value #DEFAULT_SELECTION_WARMUP}, 0 = none): the unselected-key penalty β and
         * the energy scale γ are multiplied by r = min(1, p/W), p the block's training passes so
         * far ({@link #getTrainingPasses()}; inference uses the count reached, and a saved model
         * keeps it). A fresh block therefore mixes like DJL's attention; the annealer's selection
         * takes over as the projections learn. A dropped key (β infinite) stays dropped: only γ
         * warms up then.
         */
        public Builder optSelectionWarmup(long passes) {
            this.selectionWarmup = passes;
            return this;
        }

        /** Reads per problem (default 1); the best is used. */
        public Builder optReads(int reads) {
            this.reads = reads;
            return this;
        }

        /**
         * Warm starts in training (default off): each example named by the calling thread's open
         * {@link SampleKeys} scope starts its solve from the best state of its previous training
         * pass (backends that take warm starts, such as {@code sb}, {@code bsb}, {@code dsb} and
         * {@code simcim}, start their first read there and never return a worse state; the others
         * ignore it). The block keeps one state per key (H·N·q bytes; 23 MB for 60 000 examples of
         * 49 tokens and 8 heads) until {@link #clearWarmStarts()}; they are not saved with the
         * parameters. Inference and passes without an open scope solve from scratch, so outputs of
         * a trained model do not depend on what it saw before. With {@code sb}, a shorter ramp for
         * warm-started solves ({@code warm-ramp}, e.g. {@code -s sb:warm-ramp=0.3}) is where the
         * time goes down: in {@code qama train} runs 0.3–0.4 of the ramp from the previous
         * selection reached the full cold solve's mean energy (docs/benchmarks.md "Warm starts in
         * training").
         */
        public Builder optWarmStarts(boolean on) {
            this.warmStarts = on;
            return this;
        }

        /** A time limit per backend call, or null for none (default). */
        public Builder optTimeLimit(Duration limit) {
            this.timeLimit = limit;
            return this;
        }

        /**
         * The terms of the formulation with this builder's options; coefficients left unset keep
         * the formulation's defaults. It validates them (messages name the value).
         */
        private HeadTerms terms(int headSize, int bits) {
            return formulation.terms(
                    new HeadFormulation.Options(
                            bits,
                            couplingForm,
                            v1CouplingMode,
                            longRangeWeight,
                            couplingScale,
                            linearScale,
                            penaltyScale,
                            null),
                    headSize);
        }

        /**
         * Validates and builds; the builder is not changed, so it can build again with other
         * options. Without {@link #optBackend}, a backend named by the system property {@value
         * Annealers#PROPERTY} or the environment variable {@value Annealers#ENVIRONMENT} is
         * resolved here.
         *
         * @throws IllegalStateException if E or H is not set or not positive
         * @throws IllegalArgumentException naming the bad value otherwise
         */
        public QamaAttentionBlock build() {
            if (embeddingSize < 1) {
                throw new IllegalStateException(
                        embeddingSize == 0
                                ? "Embedding size not initialized: call setEmbeddingSize"
                                : "Embedding size must be >= 1, got " + embeddingSize);
            }
            if (headCount < 1) {
                throw new IllegalStateException(
                        headCount == 0
                                ? "Head count not initialized: call setHeadCount"
                                : "Head count must be >= 1, got " + headCount);
            }
            if (embeddingSize % headCount != 0) {
                throw new IllegalArgumentException(
                        "Embedding Size ("
                                + embeddingSize
                                + ") is not divisible by head count ("
                                + headCount
                                + ")");
            }
            if (!(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1)) {
                throw new IllegalArgumentException(
                        "attention dropout probability must be in [0, 1), got "
                                + attentionProbsDropoutProb);
            }
            if (formulation == null
                    || outputMode == null
                    || couplingForm == null
                    || v1CouplingMode == null) {
                throw new IllegalArgumentException(
                        "formulation, output mode, coupling form and v1 coupling mode must not be"
                                + " null (got "
                                + formulationName(formulation)
                                + ", "
                                + outputMode
                                + ", "
                                + couplingForm
                                + ", "
                                + v1CouplingMode
                                + ")");
            }
            // the builder stays as the user left it: defaults are resolved into locals
            int q = bits != 0 ? bits : formulation.defaultBits();
            AttentionProblem.bitWeights(q); // validates q
            HeadTerms headTerms = terms(embeddingSize / headCount, q);
            if (selectionGradient
                    && (!formulation.hasSelectionFields() || outputMode == OutputMode.PAPER)) {
                throw new IllegalArgumentException(
                        "the selection gradient needs paper-v2 with the VALUES or SELECTED_KEYS"
                                + " output mode, got "
                                + formulationName(formulation)
                                + " with "
                                + outputMode);
            }
            if (reads < 1) {
                throw new IllegalArgumentException("reads must be >= 1, got " + reads);
            }
            if (!(energyScale >= 0 && Double.isFinite(energyScale))) {
                throw new IllegalArgumentException(
                        "the energy scale must be a finite number >= 0, got " + energyScale);
            }
            if (selectionWarmup < 0) {
                throw new IllegalArgumentException(
                        "the selection warm-up must be >= 0 training passes, got "
                                + selectionWarmup);
            }
            if (!(unselectedPenalty >= 0)) {
                throw new IllegalArgumentException(
                        "the unselected-key penalty must be >= 0 (infinity = drop), got "
                                + unselectedPenalty);
            }
            if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
                throw new IllegalArgumentException("time limit must be positive, got " + timeLimit);
            }
            // a name from qama.backend / QAMA_BACKEND fails here, naming its source, not at the
            // first forward pass; without either the default provider is created on first use
            String name =
                    backend != null || backendName != null
                            ? backendName
                            : Annealers.configuredName();
            return new QamaAttentionBlock(this, headTerms, name);
        }
    }
}
