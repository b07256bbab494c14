package dev.qama.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.qama.core.formulation.PaperV2Formulation;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: the calling thread's CPU time of SELECTED_KEYS' per-key energy terms (paper-v2,
 * {@link HeadTerms.Prepared#keyTerms}) forward + backward, against the former form with four
 * batched products of the B·H tiny matrices, interleaved in one JVM, on Q, K, V laid out as the
 * block's (views of (B, N, E) projections). Run with {@code -Dqama.probe=true -Dtest=EnergyProbe};
 * {@code -Dqama.probe.config=BxNxExH}, {@code -Dqama.probe.reps=R} (default 200).
 */
@EnabledIfSystemProperty(named = "qama.probe", matches = "true")
class EnergyProbe {
    static final int[] SIZE = OverheadProbe.SIZE;

    @Test
    void energies() {
        int B = SIZE[0], N = SIZE[1], E = SIZE[2], H = SIZE[3], d = E / H;
        int reps = Integer.getInteger("qama.probe.reps", 200);
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            PaperV2Terms t =
                    new PaperV2Terms(
                            PaperV2Formulation.builder().valueImportance(new float[d]).build());
            float[] w = new float[B * H * N];
            for (int p = 0; p < w.length; p++) {
                w[p] = (p * 7 + 3) % 5 < 3 ? 1f : 0f;
            }
            float[] factor = new float[B * H];
            java.util.Arrays.fill(factor, -0.1f / 9);
            float[] off = new float[B * H * N];
            int n4 = B * H * N * d;
            Host.Heads host =
                    new Host.Heads(
                            B, H, N, d, new float[n4], new float[n4], new float[n4], new float[d]);
            String[] names = {"batched products (before)", "block"};
            int V = names.length;
            long[][] cpu = new long[V][reps];
            for (int r = 0; r < reps; r++) {
                for (int v = 0; v < V; v++) {
                    try (NDManager sub = m.newSubManager()) {
                        NDArray qp = sub.randomNormal(new Shape(B, N, E));
                        NDArray kp = sub.randomNormal(new Shape(B, N, E));
                        NDArray vp = sub.randomNormal(new Shape(B, N, E));
                        NDArray e = sub.randomNormal(new Shape(d));
                        NDArray cot = sub.randomNormal(new Shape(B, H, 1, N));
                        for (NDArray a : new NDArray[] {qp, kp, vp, e}) {
                            a.setRequiresGradient(true);
                        }
                        long c0;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray q = qp.reshape(B, N, H, d).transpose(0, 2, 1, 3);
                            NDArray k = kp.reshape(B, N, H, d).transpose(0, 2, 1, 3);
                            NDArray vv = vp.reshape(B, N, H, d).transpose(0, 2, 1, 3);
                            NDArray keys;
                            HeadTerms.Prepared p = t.prepare(q, k, vv, e, host, null);
                            c0 = mx.getCurrentThreadCpuTime();
                            if (v == 0) {
                                keys =
                                        old(
                                                q,
                                                k,
                                                vv,
                                                e,
                                                sub.create(w, new Shape(B, H, N)),
                                                factor,
                                                off,
                                                d,
                                                N);
                            } else {
                                Supplier<NDArray> none =
                                        () -> {
                                            throw new AssertionError();
                                        };
                                keys = p.keyTerms(none, w, factor, off);
                            }
                            gc.backward(keys.mul(cot).sum());
                        }
                        qp.getGradient().toFloatArray();
                        cpu[v][r] = mx.getCurrentThreadCpuTime() - c0;
                    }
                }
            }
            for (int v = 0; v < V; v++) {
                long[] s = java.util.Arrays.copyOfRange(cpu[v], reps / 2, reps);
                java.util.Arrays.sort(s);
                long best = java.util.Arrays.stream(cpu[v]).min().getAsLong();
                System.out.printf(
                        "probe energy %s: best %.3f ms, median of last half %.3f ms (B=%d N=%d E=%d H=%d)%n",
                        names[v], best / 1e6, s[s.length / 2] / 1e6, B, N, E, H);
            }
        }
    }

    /** The energies as the block computed them before: four batched products, a strided sum. */
    static NDArray old(
            NDArray q,
            NDArray k,
            NDArray v,
            NDArray e,
            NDArray w,
            float[] factor,
            float[] off,
            int d,
            int N) {
        double scale = 1.0 / Math.sqrt(d);
        NDArray w4 = w.expandDims(3);
        NDArray kTw = k.transpose(0, 1, 3, 2).matMul(w4);
        NDArray qTw = q.transpose(0, 1, 3, 2).matMul(w4);
        NDArray full = q.matMul(kTw).add(k.matMul(qTw)).squeeze(3);
        NDArray diag = q.mul(k).sum(new int[] {3});
        NDArray wScaled = w.mul(w.getManager().create((float) scale));
        NDArray coupled = Host.scale(full, scale / 2).sub(diag.mul(wScaled));
        NDArray h = Host.scale(v.matMul(e.reshape(d, 1)).squeeze(3), 1.0 / d);
        NDArray lin = Host.scale(h, 0.1 * N);
        NDArray tok = w.neg().mul(coupled.add(lin));
        return HeadTerms.keyTerms(tok, factor, off);
    }
}
