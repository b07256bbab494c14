package dev.qama.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JMH benchmarks' set-up and one invocation of each, on tiny sizes, checked for correct results
 * (no timing): the products equal a naive J·X, the solver step's gradient equals h + J·x, SA
 * returns states whose energies match the model, the attention blocks give finite outputs of the
 * right shape with one solver call per pass and free every array of an invocation.
 */
class BenchmarkSetupTest {

    @ParameterizedTest
    @CsvSource({
        "dense13, 1, vector",
        "dense13, 3, scalar",
        "dense40, 8, vector",
        "dense40, 8, scalar",
        "tiny-sparse, 1, vector",
        "tiny-sparse, 8, scalar",
        "tiny-lowrank, 3, vector",
        "tiny-lowrank, 8, scalar"
    })
    void couplingProductEqualsNaiveProduct(String coupling, int reps, String kernel) {
        CouplingProductBenchmark b = new CouplingProductBenchmark();
        b.coupling = coupling;
        b.reps = reps;
        b.kernel = kernel;
        b.setup();
        FmaCounter counter = new FmaCounter();
        float[] y = b.product(counter);
        b.product(counter);
        double[] want = Fixtures.naiveProduct(b.j, b.x, reps);
        assertEquals(want.length, y.length);
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], y[k], 1e-4 * (1 + Math.abs(want[k])), "entry " + k);
        }
        assertEquals(2 * Fixtures.fmaPerReplica(b.j) * reps, counter.fma);
    }

    @Test
    void fmaCountsOfEachShape() {
        assertEquals(13 * 12, Fixtures.fmaPerReplica(Fixtures.coupling("dense13", 1)));
        Coupling lr = Fixtures.lowRank(20, 4, 1);
        assertEquals(4 * 20 * 4, Fixtures.fmaPerReplica(lr));
        Coupling g1 = Fixtures.coupling("g1", 1);
        assertEquals(800, g1.size());
        // 24 draws per vertex, both triangles stored, a few duplicate pairs merged
        double degree = (double) g1.nonZeros() / g1.size();
        assertTrue(degree > 45 && degree <= 48, "mean degree " + degree);
        assertThrows(IllegalArgumentException.class, () -> Fixtures.coupling("dense", 1));
        assertThrows(IllegalArgumentException.class, () -> Fixtures.coupling("g2", 1));
    }

    @Test
    void rooflineLoopsComputeWhatTheyCount() {
        RooflineBenchmark b = new RooflineBenchmark();
        b.setup();
        FmaCounter counter = new FmaCounter();
        double dot = 0;
        for (int k = 0; k < RooflineBenchmark.DOT; k++) {
            dot += (double) b.a[k] * b.b[k];
        }
        assertEquals(dot, b.vectorDotL1(counter), 1e-3);
        assertEquals(RooflineBenchmark.DOT, counter.fma);
        // each chain: a ← a·m + c, TRIPS times, from 1 … 8
        double m = b.mul;
        double mt = Math.pow(m, RooflineBenchmark.TRIPS);
        double geo = b.add * (1 - mt) / (1 - m);
        double want = 0;
        for (int start = 1; start <= 8; start++) {
            want += start * mt + geo;
        }
        assertEquals(want, b.scalarRegisters(counter), 1e-3 * want);
        double lanes = RooflineBenchmark.lanes();
        assertEquals(want * lanes, b.vectorRegisters(counter), 1e-3 * want * lanes);
        assertEquals(
                RooflineBenchmark.DOT
                        + 8L * RooflineBenchmark.TRIPS
                        + RooflineBenchmark.vectorRegisterFmas(),
                counter.fma);
    }

    @ParameterizedTest
    @CsvSource({"dense24, sb", "dense24, dsb", "dense24, simcim", "attention, dsb"})
    void solverStepComputesTheGradientAndStaysInTheBox(String problem, String solver) {
        SolverStepBenchmark b = new SolverStepBenchmark();
        b.problem = problem;
        b.solver = solver;
        b.reps = 3;
        b.setup();
        SpinCounter counter = new SpinCounter();
        for (int step = 0; step < 5; step++) {
            float[] before = b.x.clone();
            b.step(counter);
            if (problem.startsWith("dense") && !solver.equals("dsb")) {
                // g = h + J·x at the amplitudes before the update
                BinaryQuadraticModel m =
                        (BinaryQuadraticModel) SolverStepBenchmark.problem(problem);
                double[] jx = Fixtures.naiveProduct(m.coupling(), before, b.reps);
                for (int v = 0; v < m.numVariables(); v++) {
                    for (int c = 0; c < b.reps; c++) {
                        double want = m.linear(v) + jx[v * b.reps + c];
                        assertEquals(want, b.g[v * b.reps + c], 1e-4, "g at " + v + "," + c);
                    }
                }
            }
        }
        for (float v : b.x) {
            assertTrue(v >= -1f && v <= 1f, "amplitude " + v);
        }
        assertEquals(5L * b.sys.freeSpins().length * b.reps, counter.spinUpdates);
        assertThrows(
                IllegalArgumentException.class,
                () -> {
                    SolverStepBenchmark bad = new SolverStepBenchmark();
                    bad.problem = problem;
                    bad.solver = "tabu";
                    bad.reps = 1;
                    bad.setup();
                });
    }

    @Test
    void annealingSolvesAndCountsProposals() {
        AnnealingBenchmark b = new AnnealingBenchmark();
        b.problem = "attention";
        b.sweeps = 3;
        b.setup();
        try {
            SpinCounter counter = new SpinCounter();
            BatchResult r = b.solve(counter);
            SolveResult s = r.get(0);
            assertEquals(392, b.p.numVariables());
            assertEquals(b.p.energy(s.best()), s.bestEnergy(), 1e-6);
            assertEquals(3L * 392, counter.spinUpdates);
        } finally {
            b.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"classical", "values", "selected-keys", "paper"})
    void attentionBlockPassesHaveTheRightShapeAndFreeTheirArrays(String block) {
        AttentionBlockBenchmark b = new AttentionBlockBenchmark();
        b.config = "2x6x8x2";
        b.block = block;
        b.backend = "sb";
        b.setup();
        try {
            assertEquals(block.equals("classical"), b.solver == null);
            long callsBefore = b.solver == null ? 0 : b.solver.totalCalls();
            int arraysBefore = b.manager.getManagedArrays().size();
            for (boolean backward : new boolean[] {false, true}) {
                try (NDManager sub = b.manager.newSubManager()) {
                    sub.tempAttachAll(b.attached);
                    NDArray out = b.pass(backward);
                    assertEquals(new Shape(2, 6, 8), out.getShape());
                    for (float v : out.toFloatArray()) {
                        assertTrue(Float.isFinite(v), block + " output " + v);
                    }
                }
            }
            AttentionBlockBenchmark.SolverShare share = new AttentionBlockBenchmark.SolverShare();
            share.reset();
            assertTrue(Float.isFinite(b.forward(share)));
            assertTrue(Float.isFinite(b.forwardBackward(share)));
            assertEquals(2, share.invocations);
            if (b.solver != null) {
                // one backend call per forward pass, none in the backward pass
                assertEquals(callsBefore + 4, b.solver.totalCalls());
                assertTrue(share.solverMs() > 0);
                assertTrue(share.solverPercent() > 0 && share.solverPercent() <= 100);
            } else {
                assertEquals(0, share.solverPercent());
            }
            // every array of the invocations was freed with its sub-manager
            assertEquals(arraysBefore, b.manager.getManagedArrays().size());
        } finally {
            b.close();
        }
    }

    @Test
    void denseAndLowRankCouplingsGiveTheSameForwardPass() {
        float[][] outs = new float[2][];
        String[] forms = {"dense", "low-rank"};
        for (int k = 0; k < 2; k++) {
            AttentionBlockBenchmark b = new AttentionBlockBenchmark();
            b.config = "2x12x16x2";
            b.block = "selected-keys";
            b.backend = "sb";
            b.coupling = forms[k];
            b.setup();
            try (NDManager sub = b.manager.newSubManager()) {
                sub.tempAttachAll(b.attached);
                outs[k] = b.pass(false).toFloatArray();
            } finally {
                b.close();
            }
        }
        assertEquals(outs[0].length, outs[1].length);
        for (int i = 0; i < outs[0].length; i++) {
            assertEquals(outs[0][i], outs[1][i], 1e-4, "output " + i);
        }
        AttentionBlockBenchmark bad = new AttentionBlockBenchmark();
        bad.config = "2x6x8x2";
        bad.block = "values";
        bad.backend = "sb";
        bad.coupling = "sparse";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::setup);
        assertTrue(e.getMessage().contains("coupling form 'sparse'"), e.getMessage());
        bad.close();
    }

    @Test
    void attentionBlockConfigsAreParsedAndChecked() {
        assertEquals(
                java.util.List.of(128, 49, 64, 8),
                java.util.Arrays.stream(AttentionBlockBenchmark.parseConfig("128x49x64x8"))
                        .boxed()
                        .toList());
        assertThrows(
                IllegalArgumentException.class, () -> AttentionBlockBenchmark.parseConfig("1x2x3"));
        assertThrows(
                IllegalArgumentException.class,
                () -> AttentionBlockBenchmark.parseConfig("1x2x3xH"));
        assertThrows(
                IllegalArgumentException.class,
                () -> AttentionBlockBenchmark.parseConfig("0x2x4x2"));
    }

    @Test
    void nativeAllocationsCountOutermostOperatorsOnce() {
        String trace =
                "[\n{\n  \"name\": \"aten::matmul\",\n  \"ph\": \"X\",\n  \"ts\": 10.0,\n"
                        + "  \"dur\": 5.0,\n  \"tid\": 1,\n  \"cpu mem\": \"1.50 Kb\",\n"
                        + "  \"args\": {}\n},\n"
                        + "{\n  \"name\": \"aten::mm\",\n  \"ph\": \"X\",\n  \"ts\": 11.0,\n"
                        + "  \"dur\": 2.0,\n  \"tid\": 1,\n  \"cpu mem\": \"1.50 Kb\",\n"
                        + "  \"args\": {}\n},\n"
                        + "{\n  \"name\": \"aten::add\",\n  \"ph\": \"X\",\n  \"ts\": 20.0,\n"
                        + "  \"dur\": 1.0,\n  \"tid\": 1,\n  \"cpu mem\": \"2.00 Mb\",\n"
                        + "  \"args\": {}\n},\n"
                        + "{\n  \"name\": \"aten::free\",\n  \"ph\": \"X\",\n  \"ts\": 22.0,\n"
                        + "  \"dur\": 1.0,\n  \"tid\": 1,\n  \"cpu mem\": \"-8 b\",\n"
                        + "  \"args\": {}\n},\n"
                        + "{\n  \"name\": \"aten::mul\",\n  \"ph\": \"X\",\n  \"ts\": 12.0,\n"
                        + "  \"dur\": 1.0,\n  \"tid\": 2,\n  \"cpu mem\": \"100 b\",\n"
                        + "  \"args\": {}\n}\n]";
        // matmul (its mm nested inside), add, the other thread's mul; the free counts as 0
        assertEquals(1536 + 2 * 1024 * 1024 + 100, NativeAllocations.allocatedBytes(trace));
    }

    @Test
    void valuesAllocateLessNativeMemoryThanClassicalAttentionAtLongSequences(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        long[] bytes = new long[2];
        String[] blocks = {"classical", "values"};
        for (int k = 0; k < 2; k++) {
            AttentionBlockBenchmark b = new AttentionBlockBenchmark();
            b.config = "1x96x8x2";
            b.block = blocks[k];
            b.backend = "sb";
            b.setup();
            try {
                bytes[k] = NativeAllocations.allocatedBytes(b, false, dir.resolve("trace.json"));
            } finally {
                b.close();
            }
        }
        // classical: several (B, H, N, N) = 2·96² floats = 72 KiB tensors; VALUES: none
        assertTrue(bytes[0] > 3 * 2 * 96 * 96 * 4, "classical " + bytes[0]);
        assertTrue(
                bytes[1] > 0 && bytes[1] < bytes[0] / 2, "values " + bytes[1] + " vs " + bytes[0]);
    }

    @Test
    void anUnknownAttentionBlockNamesTheOutputModes() {
        AttentionBlockBenchmark bad = new AttentionBlockBenchmark();
        bad.config = "2x6x8x2";
        bad.block = "keys";
        bad.backend = "sb";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::setup);
        assertTrue(
                e.getMessage()
                        .contains("output mode 'keys' is not one of paper, values, selected-keys"),
                e.getMessage());
        assertTrue(e.getMessage().contains("classical"), e.getMessage());
        bad.close();
    }
}
