package dev.qama.djl;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AbstractBatchBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A test backend: brute force over the free bits when there are at most {@link #EXACT_LIMIT},
 * otherwise a seeded greedy descent (single flips, best improvement) from random starts. An
 * optional override returns a fixed state per problem instead (to hold the selection constant in
 * finite-difference tests). It records every problem it saw, with its seed, warm start and answer.
 */
final class ExactTestBackend extends AbstractBatchBackend {
    static final int EXACT_LIMIT = 16;
    private final Function<AttentionProblem, byte[]> fixed;
    private final int exactLimit;
    final List<AttentionProblem> seen = Collections.synchronizedList(new ArrayList<>());
    final List<Long> seeds = Collections.synchronizedList(new ArrayList<>());

    /** Each problem's warm start (null without one), in the order solved. */
    final List<byte[]> initials = Collections.synchronizedList(new ArrayList<>());

    /** Each problem's answer, in the order solved. */
    final List<byte[]> answers = Collections.synchronizedList(new ArrayList<>());

    ExactTestBackend() {
        this(null);
    }

    ExactTestBackend(Function<AttentionProblem, byte[]> fixed) {
        this(fixed, EXACT_LIMIT);
    }

    /** A backend that runs the seeded greedy search above {@code exactLimit} free bits. */
    ExactTestBackend(Function<AttentionProblem, byte[]> fixed, int exactLimit) {
        super(1);
        this.fixed = fixed;
        this.exactLimit = exactLimit;
    }

    @Override
    public String name() {
        return "test-exact";
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(1 << 20, 0, false, true, true);
    }

    @Override
    protected SolveResult solveProblem(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
        AttentionProblem p = (AttentionProblem) problem;
        seen.add(p);
        seeds.add(seed);
        byte[] best = fixed != null ? fixed.apply(p) : solve(p, seed, exactLimit);
        initials.add(initial == null ? null : initial.clone());
        answers.add(best.clone());
        byte[][] out = new byte[reads][];
        for (int r = 0; r < reads; r++) {
            out[r] = best.clone();
        }
        return SolveResult.of(p, out, SolveStatus.COMPLETED, seed);
    }

    static byte[] solve(AttentionProblem p, long seed, int exactLimit) {
        int n = p.numVariables();
        int[] free = new int[n];
        int m = 0;
        for (int v = 0; v < n; v++) {
            if (p.isFree(v)) {
                free[m++] = v;
            }
        }
        byte[] x = new byte[n];
        if (m <= exactLimit) {
            byte[] best = x.clone();
            double bestE = p.energy(x);
            for (long code = 1; code < (1L << m); code++) {
                for (int a = 0; a < m; a++) {
                    x[free[a]] = (byte) ((code >>> a) & 1);
                }
                double e = p.energy(x);
                if (e < bestE - 1e-12) {
                    bestE = e;
                    best = x.clone();
                }
            }
            return best;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] best = null;
        double bestE = Double.POSITIVE_INFINITY;
        for (int restart = 0; restart < 4; restart++) {
            for (int a = 0; a < m; a++) {
                x[free[a]] = (byte) rnd.nextInt(2);
            }
            double e = p.energy(x);
            boolean improved = true;
            while (improved) {
                improved = false;
                int bestFlip = -1;
                double bestFlipE = e;
                for (int a = 0; a < m; a++) {
                    x[free[a]] ^= 1;
                    double f = p.energy(x);
                    x[free[a]] ^= 1;
                    if (f < bestFlipE - 1e-12) {
                        bestFlipE = f;
                        bestFlip = a;
                    }
                }
                if (bestFlip >= 0) {
                    x[free[bestFlip]] ^= 1;
                    e = bestFlipE;
                    improved = true;
                }
            }
            if (e < bestE) {
                bestE = e;
                best = x.clone();
            }
        }
        return best;
    }
}
