package dev.qama.cim.bench;

import dev.qama.cim.kernel.Kernels;
import dev.qama.cim.kernel.SpinSystem;
import dev.qama.cim.sb.SbConfig;
import dev.qama.cim.sb.SimulatedBifurcation;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.spi.StopCondition;
import java.util.List;

/** Quality sweep on the first 32 paper-v2 problems (deterministic), time per problem (noisy). */
public final class Sweep {
    public static void main(String[] args) {
        List<AttentionProblem> ps =
                PaperProblems.paperV2(128, 8, 49, 8, 12345)
                        .subList(0, Integer.getInteger("count", 32));
        for (int k = 0; k < 4; k++) {
            SpinSystem sys = SpinSystem.of(ps.get(k), 1, Kernels.Mode.AUTO);
            System.out.printf(
                    "sumJ2 %.1f sumh2 %.1f ratio %.3f%n",
                    sys.couplingSquares(),
                    sys.linearSquares(),
                    Math.sqrt(
                            (sys.couplingSquares() + 2 * sys.linearSquares())
                                    / sys.couplingSquares()));
        }
        for (String a : args) {
            String[] f = a.split(",");
            SimulatedBifurcation.Variant v =
                    f[0].equals("d")
                            ? SimulatedBifurcation.Variant.DISCRETE
                            : SimulatedBifurcation.Variant.BALLISTIC;
            int steps = Integer.parseInt(f[1]);
            double dt = Double.parseDouble(f[2]);
            double xiScale = Double.parseDouble(f[3]);
            int reps = Integer.parseInt(f[4]);
            double amp = Double.parseDouble(f[5]);
            int patience = f.length > 6 ? Integer.parseInt(f[6]) : 0;
            int conv = 0;
            double e = 0;
            long t0 = 0;
            for (int pass = 0; pass < 2; pass++) {
                e = 0;
                t0 = System.nanoTime();
                for (int k = 0; k < ps.size(); k++) {
                    double xi = 0;
                    if (xiScale != 1) {
                        xi =
                                xiScale
                                        * SimulatedBifurcation.autoXi0(
                                                SpinSystem.of(ps.get(k), 1, Kernels.Mode.AUTO));
                    }
                    SbConfig c =
                            new SbConfig(
                                    v,
                                    steps,
                                    dt,
                                    1,
                                    xi,
                                    amp,
                                    5,
                                    patience,
                                    reps,
                                    50,
                                    1,
                                    1.0,
                                    Kernels.Mode.AUTO);
                    var res =
                            new SimulatedBifurcation(c)
                                    .solve(ps.get(k), k, 1, StopCondition.never());
                    e += res.bestEnergy();
                    if (res.status() == dev.qama.core.spi.SolveStatus.CONVERGED) conv++;
                }
            }
            System.out.printf(
                    "%s: mean E %.4f, converged %d, %.3f ms/problem%n",
                    a, e / ps.size(), conv / 2, (System.nanoTime() - t0) * 1e-6 / ps.size());
        }
    }
}
