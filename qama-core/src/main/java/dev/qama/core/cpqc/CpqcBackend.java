package dev.qama.core.cpqc;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The QBoson CPQC adapter: maps each problem to the machine's input (an integer Ising matrix over
 * at most {@code maxSpins} spins, {@code bits}-bit couplings; 550 and 8 for the CPQC-550, see
 * {@link IsingMapping}), hands it to a {@link CpqcTransport}, and maps the spins back. Returned
 * states are re-validated and their energies recomputed on the original (unrounded) problem ({@link
 * SolveResult#of}); rounding only changes which states the machine prefers.
 *
 * <h2>Precision</h2>
 *
 * Each problem's rounding report ({@link IsingMapping.Precision}) is logged; a problem is refused
 * (an {@link IllegalArgumentException} naming the figures) when a non-zero coupling rounds to 0 or
 * the largest relative rounding error of an entry exceeds {@code maxRelativeError}, unless {@code
 * allowPrecisionLoss}. The batch's worst figures are in the timing map under {@code
 * cpqc_energy_error_bound} and {@code cpqc_max_relative_error}.
 *
 * <h2>Size limit and splitting</h2>
 *
 * <ul>
 *   <li>A {@link BinaryQuadraticModel} needs n + 1 ≤ maxSpins (the auxiliary spin counts); larger
 *       ones are refused: a general model has no structure to split along.
 *   <li>An {@link AttentionProblem} whose free bits fit (free + 1 ≤ maxSpins) is solved whole
 *       (exported over its free bits, masked bits stay 0).
 *   <li>A larger one is split by heads: head t's block (its N·q bits, masked ones dropped) is
 *       solved with the other heads fixed, the multi-head penalty ρ Σ x_{t,i,k} x_{t',i,k} becoming
 *       the linear term ρ·c_{i,k} (c = number of other heads selecting bit (i, k)). Passes over all
 *       heads repeat {@code passes} times (one pass when ρ = 0), starting from the warm start or
 *       from all zeros, and the best full state is kept. <b>Exact</b>: each block's conditional
 *       problem equals the full energy with the other heads fixed, up to a constant; with ρ = 0 the
 *       blocks are independent and one pass solves the whole problem as well as the machine solves
 *       each block. <b>Approximate</b>: with ρ &gt; 0 the passes are block-coordinate descent and
 *       stop at a head-wise local optimum, not necessarily the global one. Every read of a split
 *       problem is that one final state. A head block that does not fit on its own is refused.
 * </ul>
 *
 * Problems of a batch are solved one after another (a machine runs one task at a time); problem k
 * is solved with {@code request.problemSeed(k)}, so with explicit per-problem seeds its result does
 * not depend on its batch. {@code BatchResult.backend()} is {@code "cpqc[" + what served the last
 * answer + "]"}, e.g. {@code cpqc[file:/data/cpqc/qama-…]} or {@code cpqc[emulated:exact]}, and
 * plain {@code "cpqc"} when no answer came back (an empty batch, or one stopped before any): it
 * never names hardware that was not contacted. Each result has exactly {@code reads} states: the
 * best of what the transport returned, repeated in order when it returned fewer (a solution file
 * often holds one vector).
 *
 * <h2>Limits and stopping</h2>
 *
 * The spin limit is the smaller of {@code maxSpins} and what the transport takes ({@link
 * CpqcTransport#maxSpins}, e.g. the emulator backend's variable limit); {@link #capabilities} and
 * {@link #isCapable} report it. The request's time limit covers the whole batch: each task gets
 * what is left of it, and the request's cancellation and the caller's interrupt reach the transport
 * while it works or waits (the file exchange's polling included). A problem's status is COMPLETED
 * (or the emulator's CONVERGED) when every task of it was answered, else TIME_LIMIT or INTERRUPTED:
 * a task stopped with partial states keeps them (the emulator's best so far), a split problem keeps
 * the best full state of the heads solved so far, and a problem with no answer at all (stopped
 * before its task, or while waiting for a file) gets its warm start, or the all-low state, with
 * masked bits low. An interrupted caller's interrupt flag stays set.
 */
public final class CpqcBackend implements AnnealerBackend {
    private static final System.Logger LOG = System.getLogger(CpqcBackend.class.getName());

    /** The provider name. */
    public static final String NAME = "cpqc";

    /** The CPQC-550 spin count. */
    public static final int CPQC_SPINS = 550;

    private final CpqcTransport transport;
    private final int maxSpins;
    private final int spins; // min(maxSpins, transport.maxSpins())
    private final int bits;
    private final double maxRelativeError;
    private final boolean allowPrecisionLoss;
    private final int passes;
    private final String prefix;

    private CpqcBackend(Builder b) {
        this.transport = b.transport;
        this.maxSpins = b.maxSpins;
        int carried = b.transport.maxSpins();
        if (carried < 2) {
            throw new IllegalArgumentException(
                    "the CPQC transport "
                            + b.transport.describe()
                            + " takes at most "
                            + carried
                            + " spins; a task needs at least 2 (one variable and the auxiliary"
                            + " spin)");
        }
        this.spins = Math.min(b.maxSpins, carried);
        this.bits = b.bits;
        this.maxRelativeError = b.maxRelativeError;
        this.allowPrecisionLoss = b.allowPrecisionLoss;
        this.passes = b.passes;
        this.prefix = b.prefix;
    }

    /** A builder around a transport. */
    public static Builder builder(CpqcTransport transport) {
        return new Builder(transport);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(
                spins - 1, bits, !(transport instanceof EmulatedTransport), true, false);
    }

    @Override
    public boolean isCapable(Problem p) {
        if (p instanceof BinaryQuadraticModel) {
            return p.numVariables() + 1 <= spins;
        }
        if (p instanceof AttentionProblem a) {
            return freeBitsPerHead(a) + 1 <= spins;
        }
        return false;
    }

    private static int freeBitsPerHead(AttentionProblem a) {
        int free = 0;
        for (int i = 0; i < a.tokens(); i++) {
            free += a.isMasked(i) ? 0 : a.bits();
        }
        return free;
    }

    /**
     * Maps a model to the machine's integer Ising task, checking the spin limit and the precision.
     *
     * @throws IllegalArgumentException when it is too large or does not survive the rounding
     */
    public IsingMapping map(BinaryQuadraticModel model, String where) {
        if (model.numVariables() + 1 > spins) {
            throw new IllegalArgumentException(
                    where
                            + " has "
                            + model.numVariables()
                            + " variables; with the auxiliary spin it needs "
                            + (model.numVariables() + 1)
                            + " spins but the CPQC limit is "
                            + spinLimit()
                            + " (general models are not split; attention problems are split by"
                            + " heads)");
        }
        IsingMapping m = IsingMapping.of(model, bits);
        IsingMapping.Precision p = m.precision();
        boolean lost = p.zeroedEntries() > 0 || p.maxRelativeError() > maxRelativeError;
        if (lost && !allowPrecisionLoss) {
            throw new IllegalArgumentException(
                    where
                            + ": couplings do not survive "
                            + bits
                            + "-bit rounding ("
                            + p
                            + "; largest |J| = "
                            + p.largest()
                            + ", smallest non-zero |J| = "
                            + p.smallestNonZero()
                            + ", relative error limit "
                            + maxRelativeError
                            + "); rescale or sparsify the problem, or accept the loss with"
                            + " allow-precision-loss=true");
        }
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", where, p);
        return m;
    }

    @Override
    public BatchResult solve(SolveRequest request) {
        long t0 = System.nanoTime();
        List<Problem> ps = request.problems();
        for (int k = 0; k < ps.size(); k++) {
            Problem p = ps.get(k);
            if (!(p instanceof BinaryQuadraticModel) && !(p instanceof AttentionProblem)) {
                throw new IllegalArgumentException(
                        "cpqc backend: problem " + k + " is a " + p.getClass().getSimpleName());
            }
            if (!isCapable(p)) {
                throw new IllegalArgumentException(
                        "cpqc backend: problem "
                                + k
                                + " ("
                                + p
                                + ") does not fit "
                                + spinLimit()
                                + (p instanceof AttentionProblem
                                        ? " even one head at a time"
                                        : " (with the auxiliary spin); general models are not"
                                                + " split"));
            }
        }
        StopCondition stop = request.startClock();
        Stats stats = new Stats();
        List<SolveResult> out = new ArrayList<>();
        for (int k = 0; k < ps.size(); k++) {
            Problem p = ps.get(k);
            long seed = request.problemSeed(k);
            byte[] init = request.initialStates() == null ? null : request.initialStates().get(k);
            SolveStatus why = stop.reason();
            if (why != null) {
                out.add(pick(p, List.of(), init, request.reads(), seed, why));
                continue;
            }
            Outcome o;
            if (p instanceof BinaryQuadraticModel m) {
                o = solveModel(m, "problem " + k, request, seed, stop, stats);
            } else {
                AttentionProblem a = (AttentionProblem) p;
                if (a.numVariables() > 0 && freeBitsPerHead(a) * a.heads() + 1 <= spins) {
                    AttentionProblem.FreeModel fm = a.freeModel(a.numVariables());
                    Outcome free =
                            solveModel(fm.model(), "problem " + k, request, seed, stop, stats);
                    List<byte[]> states = new ArrayList<>();
                    for (byte[] s : free.states()) {
                        states.add(fm.expand(s));
                    }
                    o = new Outcome(states, free.status());
                } else {
                    o = split(a, k, request, seed, init, stop, stats);
                }
            }
            out.add(pick(p, o.states(), init, request.reads(), seed, o.status()));
        }
        Map<String, Double> timing = new LinkedHashMap<>();
        timing.put(BatchResult.TOTAL_SECONDS, (System.nanoTime() - t0) * 1e-9);
        timing.put("cpqc_energy_error_bound", stats.bound);
        timing.put("cpqc_max_relative_error", stats.rel);
        timing.put("cpqc_tasks", (double) stats.tasks);
        String backend = stats.servedBy == null ? NAME : NAME + "[" + stats.servedBy + "]";
        return new BatchResult(backend, request.seed(), out, timing);
    }

    private static final class Stats {
        double bound;
        double rel;
        int tasks;
        String servedBy;
    }

    /** The states one problem (or one head block) got, and why its solve ended. */
    private record Outcome(List<byte[]> states, SolveStatus status) {}

    private String spinLimit() {
        return spins
                + " spins"
                + (spins < maxSpins
                        ? " (the most the transport " + transport.describe() + " takes)"
                        : "");
    }

    /**
     * Exactly {@code reads} states: the best of {@code states}, cycled if there are fewer. With no
     * states (the batch was stopped before an answer came back) every read is the warm start, or
     * the all-low state, with masked variables low.
     */
    private static SolveResult pick(
            Problem p, List<byte[]> states, byte[] init, int reads, long seed, SolveStatus status) {
        if (states.isEmpty()) {
            if (status != SolveStatus.TIME_LIMIT && status != SolveStatus.INTERRUPTED) {
                throw new IllegalStateException("transport returned no states");
            }
            states = List.of(fallback(p, init));
        }
        SolveResult all = SolveResult.of(p, states.toArray(new byte[0][]), status, seed);
        byte[][] chosen = new byte[reads][];
        for (int r = 0; r < reads; r++) {
            chosen[r] = all.state(r % all.size());
        }
        return SolveResult.of(p, chosen, status, seed);
    }

    /**
     * The state of a problem nothing was learnt about: the warm start or all-low, masked ones low.
     */
    private static byte[] fallback(Problem p, byte[] init) {
        byte[] s = new byte[p.numVariables()];
        for (int v = 0; v < s.length; v++) {
            s[v] = init != null && p.isFree(v) ? init[v] : p.vartype().low();
        }
        return s;
    }

    private Outcome solveModel(
            BinaryQuadraticModel m,
            String where,
            SolveRequest req,
            long seed,
            StopCondition stop,
            Stats stats) {
        if (m.numVariables() == 0) {
            return new Outcome(List.of(new byte[0]), SolveStatus.COMPLETED);
        }
        IsingMapping map = map(m, where);
        stats.bound = Math.max(stats.bound, map.precision().energyErrorBound());
        stats.rel = Math.max(stats.rel, map.precision().maxRelativeError());
        stats.tasks++;
        String task = map.taskName(prefix);
        CpqcTransport.Answer a = transport.solve(map, task, req.reads(), seed, stop);
        if (a.servedBy() != null) {
            stats.servedBy = a.servedBy();
        }
        List<byte[]> out = new ArrayList<>();
        for (byte[] s : a.spins()) {
            out.add(map.decode(s));
        }
        return new Outcome(out, a.status());
    }

    private static boolean stopped(SolveStatus s) {
        return s == SolveStatus.TIME_LIMIT || s == SolveStatus.INTERRUPTED;
    }

    private Outcome split(
            AttentionProblem a,
            int k,
            SolveRequest req,
            long seed,
            byte[] init,
            StopCondition stop,
            Stats stats) {
        int h = a.heads();
        int n = a.tokens();
        int q = a.bits();
        int block = n * q;
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i++) {
            mask[i] = a.isMasked(i);
        }
        AttentionProblem.FreeModel[] blocks = new AttentionProblem.FreeModel[h];
        for (int t = 0; t < h; t++) {
            AttentionProblem.Builder b =
                    AttentionProblem.builder(1, n, q)
                            .coupling(0, a.coupling(t))
                            .linear(0, a.linear(t))
                            .mask(mask)
                            .couplingWeight(a.couplingWeight())
                            .linearWeight(a.linearWeight());
            if (a.diagonal(t) != null) {
                b.diagonal(0, a.diagonal(t));
            }
            blocks[t] = b.build().freeModel(block);
        }
        byte[] x = fallback(a, init);
        byte[] best = x.clone();
        double bestE = a.energy(best);
        double rho = a.penaltyWeight();
        int rounds = rho == 0 ? 1 : passes;
        SolveStatus status = SolveStatus.COMPLETED;
        passes:
        for (int pass = 0; pass < rounds; pass++) {
            for (int t = 0; t < h; t++) {
                SolveStatus why = stop.reason();
                if (why != null) {
                    status = status.worst(why);
                    break passes;
                }
                AttentionProblem.FreeModel fm = blocks[t];
                BinaryQuadraticModel base = fm.model();
                float[] lin = base.linear().clone();
                int[] vars = fm.variables();
                for (int v = 0; v < vars.length; v++) {
                    int c = 0;
                    for (int t2 = 0; t2 < h; t2++) {
                        if (t2 != t) {
                            c += x[t2 * block + vars[v]];
                        }
                    }
                    lin[v] += (float) (rho * c);
                }
                BinaryQuadraticModel sub =
                        BinaryQuadraticModel.of(
                                base.vartype(), lin, base.coupling(), base.offset());
                Outcome o =
                        solveModel(
                                sub,
                                "problem " + k + " head " + t,
                                req,
                                Seeds.forStream(seed, (long) pass * h + t),
                                stop,
                                stats);
                status = status.worst(o.status());
                if (!o.states().isEmpty()) {
                    byte[] bestSub =
                            SolveResult.of(sub, o.states().toArray(new byte[0][]), o.status(), seed)
                                    .best();
                    byte[] full = fm.expand(bestSub);
                    System.arraycopy(full, 0, x, t * block, block);
                }
                if (stopped(o.status())) {
                    break passes;
                }
            }
            double e = a.energy(x);
            if (e < bestE) {
                bestE = e;
                best = x.clone();
            }
        }
        if (stopped(status) && a.energy(x) < bestE) {
            best = x.clone(); // stopped inside a pass: the heads solved so far may already
            // be better
        }
        return new Outcome(List.of(best), status);
    }

    @Override
    public void close() {
        if (transport instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the transport failed", e);
            }
        }
    }

    /** Settings; every setter validates. */
    public static final class Builder {
        private final CpqcTransport transport;
        private int maxSpins = CPQC_SPINS;
        private int bits = 8;
        private double maxRelativeError = 0.5;
        private boolean allowPrecisionLoss;
        private int passes = 2;
        private String prefix = "qama-";

        private Builder(CpqcTransport transport) {
            if (transport == null) {
                throw new IllegalArgumentException("transport is null");
            }
            this.transport = transport;
        }

        /** The machine's spin count, auxiliary spin included (default 550). */
        public Builder maxSpins(int n) {
            if (n < 2) {
                throw new IllegalArgumentException("max spins must be >= 2, got " + n);
            }
            this.maxSpins = n;
            return this;
        }

        /** The coupling width in bits (default 8). */
        public Builder bits(int b) {
            if (b < 2 || b > 16) {
                throw new IllegalArgumentException("bits must be in [2, 16], got " + b);
            }
            this.bits = b;
            return this;
        }

        /** The largest tolerated relative rounding error of one coupling (default 0.5). */
        public Builder maxRelativeError(double e) {
            if (!(e > 0) || e > 1) {
                throw new IllegalArgumentException(
                        "max relative error must be in (0, 1], got " + e);
            }
            this.maxRelativeError = e;
            return this;
        }

        /** Solve problems even when couplings do not survive the rounding (default false). */
        public Builder allowPrecisionLoss(boolean allow) {
            this.allowPrecisionLoss = allow;
            return this;
        }

        /** Alternating passes over heads for split attention problems (default 2). */
        public Builder passes(int p) {
            if (p < 1 || p > 100) {
                throw new IllegalArgumentException("passes must be in [1, 100], got " + p);
            }
            this.passes = p;
            return this;
        }

        /** The task name prefix (default "qama-"). */
        public Builder taskPrefix(String p) {
            this.prefix = p == null ? "" : p;
            return this;
        }

        /** The backend. */
        public CpqcBackend build() {
            return new CpqcBackend(this);
        }
    }
}
