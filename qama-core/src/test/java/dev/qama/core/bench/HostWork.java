package dev.qama.core.bench;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.PaperV2Formulation;
import dev.qama.core.model.LowRankCoupling;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/**
 * The qama-core host work of one QAMA forward pass on fixed inputs, one phase per call (for {@link
 * HostWorkAb}, which loads this class once per build): {@code scan} (the {@link AttentionInputs}
 * constructor: lengths and the NaN/infinity scan of Q, K, V), {@code build} (paper-v2's {@code
 * build} of all B problems on the calling thread), {@code read} ({@code checkState} and {@code
 * weights} of one state per problem), {@code hash} (a digest of every problem's factors, removed
 * diagonal, linear terms, weights and w, to compare two builds bit for bit).
 */
public final class HostWork implements ToLongFunction<String> {
    private final int batch;
    private final int heads;
    private final int tokens;
    private final int dim;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] e;
    private final byte[][] states;
    private AttentionInputs in;
    private PaperV2Formulation f;
    private final AttentionProblem[] problems;

    /** Q, K, V ~ N(0, 1), e ~ N(0, 1), states with a quarter of the bits set (seed 7). */
    public HostWork(int batch, int heads, int tokens, int dim) {
        this.batch = batch;
        this.heads = heads;
        this.tokens = tokens;
        this.dim = dim;
        SplittableRandom r = new SplittableRandom(7);
        int size = batch * heads * tokens * dim;
        q = new float[size];
        k = new float[size];
        v = new float[size];
        e = new float[dim];
        for (int i = 0; i < size; i++) {
            q[i] = (float) r.nextGaussian();
            k[i] = (float) r.nextGaussian();
            v[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < dim; i++) {
            e[i] = (float) r.nextGaussian();
        }
        states = new byte[batch][heads * tokens];
        for (byte[] s : states) {
            for (int i = 0; i < s.length; i++) {
                s[i] = (byte) (r.nextInt(4) == 0 ? 1 : 0);
            }
        }
        in = new AttentionInputs(batch, heads, tokens, dim, q, k, v, null);
        f = PaperV2Formulation.builder().valueImportance(e).build();
        problems = new AttentionProblem[batch];
        applyAsLong("build");
    }

    @Override
    public long applyAsLong(String phase) {
        long h = 0;
        switch (phase) {
            case "scan" -> {
                in = new AttentionInputs(batch, heads, tokens, dim, q, k, v, null);
                h = in.batch();
            }
            case "build" -> {
                for (int b = 0; b < batch; b++) {
                    problems[b] = f.build(in, b);
                    h += problems[b].numVariables();
                }
            }
            case "read" -> {
                for (int b = 0; b < batch; b++) {
                    problems[b].checkState(states[b]);
                    h += problems[b].weights(states[b]).length;
                }
            }
            case "hash" -> {
                for (int b = 0; b < batch; b++) {
                    AttentionProblem p = problems[b];
                    for (int t = 0; t < heads; t++) {
                        if (p.coupling(t) instanceof LowRankCoupling c) {
                            for (float x : c.factorA()) {
                                h = h * 31 + Float.floatToRawIntBits(x);
                            }
                            for (float x : c.factorB()) {
                                h = h * 31 + Float.floatToRawIntBits(x);
                            }
                            for (double x : c.removedDiagonal()) {
                                h = h * 31 + Double.doubleToRawLongBits(x);
                            }
                            h = h * 31 + Double.doubleToRawLongBits(c.scale());
                        }
                        for (float x : p.linear(t)) {
                            h = h * 31 + Float.floatToRawIntBits(x);
                        }
                    }
                    h = h * 31 + Double.doubleToRawLongBits(p.couplingWeight());
                    h = h * 31 + Double.doubleToRawLongBits(p.linearWeight());
                    h = h * 31 + Double.doubleToRawLongBits(p.penaltyWeight());
                    for (double x : p.weights(states[b])) {
                        h = h * 31 + Double.doubleToRawLongBits(x);
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown phase " + phase);
        }
        return h;
    }
}
