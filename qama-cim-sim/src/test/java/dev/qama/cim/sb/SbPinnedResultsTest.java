package dev.qama.cim.sb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qama.cim.TestProblems;
import dev.qama.cim.kernel.Kernels;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.StopCondition;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact results of seeded SB solves (energies to the last bit, and a digest of the states)
 * on every step path: the fused attention engine (ballistic, discrete, dense and factored
 * couplings, one and several replicas), the generic gradient path (binary models, the scalar
 * kernel), warm starts and planned restarts. A change meant only to make the code faster or
 * clearer, such as moving code between methods for the JIT, must leave all of them as they are. The
 * values were recorded with the code before the step loops moved into their own methods.
 */
class SbPinnedResultsTest {
    private static String digest(SolveResult r) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < r.size(); k++) {
            sb.append(Double.toString(r.energy(k))).append('/');
            sb.append(Integer.toHexString(Arrays.hashCode(r.state(k)))).append(' ');
        }
        return sb.append(r.status()).toString();
    }

    private static String solve(SbConfig config, Problem p, long seed, int reads, byte[] warm) {
        return digest(
                new SimulatedBifurcation(config)
                        .solve(p, seed, reads, warm, StopCondition.never()));
    }

    private static SbConfig sb(SimulatedBifurcation.Variant v) {
        return SbConfig.defaults(v);
    }

    /** Short runs without the polish: the states still depend on every step of the dynamics. */
    private static SbConfig raw(SimulatedBifurcation.Variant v, int steps, int replicas) {
        SbConfig d = SbConfig.defaults(v);
        return new SbConfig(
                v,
                steps,
                d.dt(),
                d.a0(),
                d.xi0(),
                d.initAmplitude(),
                d.evalInterval(),
                d.patience(),
                replicas,
                0,
                d.restarts(),
                d.warmRamp(),
                d.kernel());
    }

    @Test
    void fusedAttentionEngine() {
        Problem lowRank = TestProblems.attention(4, 30, 1, true, null, new Random(5));
        boolean[] mask = new boolean[26];
        mask[3] = true;
        mask[17] = true;
        Problem dense = TestProblems.attention(3, 26, 1, false, mask, new Random(6));
        Problem bits = TestProblems.attention(2, 20, 2, true, null, new Random(7));
        StringBuilder out = new StringBuilder();
        for (Problem p : new Problem[] {lowRank, dense, bits}) {
            out.append(solve(sb(SimulatedBifurcation.Variant.AUTO), p, 11, 2, null)).append('\n');
            out.append(solve(raw(SimulatedBifurcation.Variant.BALLISTIC, 37, 3), p, 12, 3, null))
                    .append('\n');
            out.append(solve(raw(SimulatedBifurcation.Variant.DISCRETE, 41, 2), p, 13, 1, null))
                    .append('\n');
        }
        assertEquals(
                ""
                        + "-226.69780325792212/d8459ddc -226.69780325792212/d8459ddc COMPLETED\n"
                        + "-226.31316494681639/716cde1b -226.31316494681639/716cde1b -226.31316494681639/716cde1b COMPLETED\n"
                        + "-226.4214908034724/24cc8bdb COMPLETED\n"
                        + "-151.48527930259007/61d731bf -151.48527930259007/61d731bf COMPLETED\n"
                        + "-151.48527930259007/61d731bf -151.48527930259007/61d731bf -151.48527930259007/61d731bf COMPLETED\n"
                        + "-151.48527930259007/61d731bf COMPLETED\n"
                        + "-64.01771369421681/ee9e79e2 -64.01771369421681/ee9e79e2 COMPLETED\n"
                        + "-64.01771369421681/ee9e79e2 -64.01771369421681/ee9e79e2 -64.01771369421681/ee9e79e2 COMPLETED\n"
                        + "-64.01771369421681/ee9e79e2 COMPLETED\n",
                out.toString());
    }

    /**
     * The fused engine with low-rank heads in dense form (N = 16, d = 8, the digits model's heads:
     * dense at every vector width), whose product matrices are built from the factors at set-up.
     * Recorded with the code before the set-up stopped filling the factor rows of dense heads.
     */
    @Test
    void fusedAttentionEngineDenseForm() {
        Random rnd = new Random(14);
        boolean[] mask = new boolean[16];
        mask[5] = true;
        AttentionProblem.Builder b = AttentionProblem.builder(4, 16, 1);
        for (int t = 0; t < 4; t++) {
            b.coupling(t, TestProblems.lowRank(16, 8, rnd));
            b.linear(t, TestProblems.gaussian(16, 1.0, rnd));
        }
        Problem p = b.mask(mask).couplingWeight(0.8).linearWeight(1.3).penaltyWeight(0.7).build();
        StringBuilder out = new StringBuilder();
        out.append(solve(sb(SimulatedBifurcation.Variant.AUTO), p, 15, 2, null)).append('\n');
        out.append(solve(raw(SimulatedBifurcation.Variant.BALLISTIC, 37, 3), p, 16, 3, null))
                .append('\n');
        out.append(solve(raw(SimulatedBifurcation.Variant.DISCRETE, 41, 1), p, 17, 1, null))
                .append('\n');
        out.append(solve(raw(SimulatedBifurcation.Variant.BALLISTIC, 9, 2), p, 18, 2, null))
                .append('\n');
        assertEquals(
                ""
                        + "-64.423071757916/dd9055e3 -64.423071757916/dd9055e3 COMPLETED\n"
                        + "-64.423071757916/dd9055e3 -64.423071757916/dd9055e3 -64.423071757916/dd9055e3 COMPLETED\n"
                        + "-64.423071757916/dd9055e3 COMPLETED\n"
                        + "-64.423071757916/dd9055e3 -63.929310025703955/b4407162 COMPLETED\n",
                out.toString());
    }

    /**
     * Dense-form heads whose rows span two vector chunks (N = 20, d = 16: dense at vector widths 8
     * and 16), whose matrices are built two chunks per pass. Recorded with the code before that.
     */
    @Test
    void fusedAttentionEngineDenseFormTwoChunks() {
        Random rnd = new Random(19);
        boolean[] mask = new boolean[20];
        mask[7] = true;
        AttentionProblem.Builder b = AttentionProblem.builder(3, 20, 1);
        for (int t = 0; t < 3; t++) {
            b.coupling(t, TestProblems.lowRank(20, 16, rnd));
            b.linear(t, TestProblems.gaussian(20, 1.0, rnd));
        }
        Problem p = b.mask(mask).couplingWeight(0.6).linearWeight(1.1).penaltyWeight(0.9).build();
        StringBuilder out = new StringBuilder();
        out.append(solve(sb(SimulatedBifurcation.Variant.AUTO), p, 23, 2, null)).append('\n');
        out.append(solve(raw(SimulatedBifurcation.Variant.BALLISTIC, 11, 2), p, 24, 2, null))
                .append('\n');
        out.append(solve(raw(SimulatedBifurcation.Variant.DISCRETE, 13, 1), p, 25, 1, null))
                .append('\n');
        assertEquals(
                ""
                        + "-54.184210852210704/cbf893e2 -54.184210852210704/cbf893e2 COMPLETED\n"
                        + "-54.184210852210704/cbf893e2 -54.184210852210704/cbf893e2 COMPLETED\n"
                        + "-51.79951751973342/174bf77e COMPLETED\n",
                out.toString());
    }

    @Test
    void genericPathWarmStartsAndRestarts() {
        Problem bqm =
                TestProblems.model(
                        Vartype.SPIN, TestProblems.dense(40, new Random(8)), 0.5, new Random(9));
        Problem att = TestProblems.attention(3, 20, 1, true, null, new Random(10));
        byte[] warm = new byte[bqm.numVariables()];
        for (int v = 0; v < warm.length; v++) {
            warm[v] = (byte) (v % 3 == 0 ? 1 : -1);
        }
        StringBuilder out = new StringBuilder();
        out.append(solve(raw(SimulatedBifurcation.Variant.BALLISTIC, 53, 2), bqm, 21, 2, null))
                .append('\n');
        out.append(solve(raw(SimulatedBifurcation.Variant.DISCRETE, 47, 3), bqm, 25, 2, warm))
                .append('\n');
        out.append(
                        solve(
                                sb(SimulatedBifurcation.Variant.DISCRETE).withSteps(200),
                                bqm,
                                22,
                                2,
                                warm))
                .append('\n');
        out.append(
                        solve(
                                sb(SimulatedBifurcation.Variant.AUTO)
                                        .withSteps(100)
                                        .withRestarts(3),
                                bqm,
                                23,
                                1,
                                null))
                .append('\n');
        out.append(
                        solve(
                                raw(SimulatedBifurcation.Variant.AUTO, 31, 2)
                                        .withKernel(Kernels.Mode.SCALAR),
                                att,
                                24,
                                2,
                                null))
                .append('\n');
        assertEquals(
                ""
                        + "-179.15983152436092/286316fd -179.15983152436092/286316fd COMPLETED\n"
                        + "-179.15983152436092/286316fd -168.9445779188536/f2c61443 COMPLETED\n"
                        + "-179.14061250025406/f0dd3f05 -179.14061250025406/f0dd3f05 COMPLETED\n"
                        + "-179.15983152436092/286316fd COMPLETED\n"
                        + "-97.71521363568114/8381ede5 -96.99189129663438/17c65ce6 COMPLETED\n",
                out.toString());
    }
}
