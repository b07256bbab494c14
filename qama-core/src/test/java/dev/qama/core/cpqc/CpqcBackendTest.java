package dev.qama.core.cpqc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolverException;
import dev.qama.core.testkit.Oracle;
import dev.qama.core.testkit.RandomProblems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpqcBackendTest {

    private static byte[] bits(long mask, int n, Vartype vt) {
        byte[] s = new byte[n];
        for (int i = 0; i < n; i++) {
            s[i] = ((mask >>> i) & 1) == 1 ? vt.high() : vt.low();
        }
        return s;
    }

    @Test
    void auxiliarySpinIsingEqualsTheQuboEnergyForAllStates() {
        for (Vartype vt : Vartype.values()) {
            BinaryQuadraticModel m = RandomProblems.dense(vt, 10, 42);
            IsingMapping map = IsingMapping.of(m, 8);
            assertEquals(11, map.size());
            for (long mask = 0; mask < (1L << 10); mask++) {
                byte[] x = bits(mask, 10, vt);
                byte[] s = map.encode(x);
                double e = m.energy(x);
                assertEquals(e, map.exactEnergy(s), 1e-9 * (1 + Math.abs(e)));
                // the flipped machine state (auxiliary −1) decodes to the same state
                byte[] flipped = s.clone();
                for (int i = 0; i < flipped.length; i++) {
                    flipped[i] = (byte) -flipped[i];
                }
                assertEquals(map.exactEnergy(s), map.exactEnergy(flipped), 1e-9);
                assertArrayEquals(x, map.decode(flipped));
                assertArrayEquals(x, map.decode(s));
                // rounding moves no energy beyond the reported bound
                assertTrue(
                        Math.abs(map.roundedEnergy(s) - e)
                                <= map.precision().energyErrorBound() + 1e-9);
            }
        }
    }

    @Test
    void eightBitRoundingErrorIsBoundedAndReported() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.BINARY, 14, 7);
        IsingMapping map = IsingMapping.of(m, 8);
        IsingMapping.Precision p = map.precision();
        assertEquals(127.0 / p.largest(), map.scale(), 1e-12);
        assertTrue(p.maxAbsError() <= 0.5 / map.scale() + 1e-12, p.toString());
        assertTrue(p.maxAbsError() > 0, "random couplings do not round exactly");
        double sum = 0;
        int size = map.size();
        for (int i = 0; i < size; i++) {
            for (int j = i + 1; j < size; j++) {
                int k = map.integers()[i * size + j];
                assertTrue(k >= -127 && k <= 127);
                assertEquals(k, map.integers()[j * size + i]);
                sum += Math.abs(k / map.scale() - map.exact()[i * size + j]);
            }
            assertEquals(0, map.integers()[i * size + i]);
        }
        assertEquals(sum, p.energyErrorBound(), 1e-9);
        assertTrue(p.toString().contains("8-bit"));
    }

    @Test
    void dynamicRangeThatCannotSurviveEightBitsIsRefusedUnlessAllowed() {
        float[] j = new float[9];
        j[1] = j[3] = 1000f;
        j[2] = j[6] = 0.001f;
        j[5] = j[7] = 1f;
        BinaryQuadraticModel m =
                BinaryQuadraticModel.of(
                        Vartype.SPIN, new float[3], DenseCoupling.ofSymmetric(3, j), 0);
        CpqcBackend strict =
                CpqcBackend.builder(new EmulatedTransport(new BruteForceBackend(1))).build();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> strict.map(m, "problem 0"));
        assertTrue(e.getMessage().contains("8-bit"), e.getMessage());
        assertTrue(e.getMessage().contains("allow-precision-loss"), e.getMessage());
        CpqcBackend lax =
                CpqcBackend.builder(new EmulatedTransport(new BruteForceBackend(1)))
                        .allowPrecisionLoss(true)
                        .build();
        IsingMapping map = lax.map(m, "problem 0");
        assertEquals(2, map.precision().zeroedEntries());
        BatchResult r = lax.solve(SolveRequest.of(List.of(m), 0));
        assertEquals(m.energy(r.get(0).best()), r.get(0).bestEnergy(), 1e-9);
        assertTrue(r.timing().get("cpqc_max_relative_error") >= 1.0);
    }

    @Test
    void emulatedSolveIsOptimalWithinTheRoundingBound() {
        CpqcBackend b =
                CpqcBackend.builder(new EmulatedTransport(new BruteForceBackend(1)))
                        .allowPrecisionLoss(true)
                        .build();
        List<Problem> ps =
                List.of(
                        RandomProblems.dense(Vartype.BINARY, 12, 1),
                        RandomProblems.sparse(Vartype.SPIN, 12, 0.4, 2));
        BatchResult r = b.solve(SolveRequest.builder(ps).reads(3).build());
        assertEquals("cpqc[emulated:exact]", r.backend());
        double bound = r.timing().get("cpqc_energy_error_bound");
        for (int k = 0; k < ps.size(); k++) {
            SolveResult s = r.get(k);
            assertEquals(3, s.size());
            double opt = Oracle.minimum(ps.get(k));
            assertTrue(s.bestEnergy() <= opt + 2 * bound + 1e-9, s.bestEnergy() + " vs " + opt);
            assertEquals(ps.get(k).energy(s.best()), s.bestEnergy(), 1e-12);
        }
        assertEquals(2.0, r.timing().get("cpqc_tasks"));
    }

    @Test
    void overLimitModelsAreRefusedAndAttentionProblemsSplitByHeads() {
        CpqcBackend b =
                CpqcBackend.builder(new EmulatedTransport(new BruteForceBackend(1)))
                        .maxSpins(10)
                        .allowPrecisionLoss(true)
                        .build();
        BinaryQuadraticModel big = RandomProblems.dense(Vartype.SPIN, 10, 3); // needs 11 spins
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> b.solve(SolveRequest.of(List.of(big), 0)));
        assertTrue(e.getMessage().contains("not split"), e.getMessage());
        // 3 heads × 4 tokens × 2 bits = 24 bits: each head block has 8 bits + auxiliary = 9 spins
        AttentionProblem noPenalty = attention(0.0);
        BatchResult r = b.solve(SolveRequest.builder(List.of(noPenalty)).reads(2).build());
        double bound = r.timing().get("cpqc_energy_error_bound");
        assertEquals(3.0, r.timing().get("cpqc_tasks"), "one pass of three head blocks (rho = 0)");
        double opt =
                new BruteForceBackend(2)
                        .solve(SolveRequest.of(List.of(noPenalty), 0))
                        .get(0)
                        .bestEnergy();
        // exact up to rounding: blocks are independent, each within 2·bound of its own optimum
        assertTrue(r.get(0).bestEnergy() <= opt + 3 * 2 * bound + 1e-9);
        AttentionProblem withPenalty = attention(0.8);
        BatchResult rp = b.solve(SolveRequest.of(List.of(withPenalty), 0));
        assertEquals(6.0, rp.timing().get("cpqc_tasks"), "two passes of three head blocks");
        byte[] x = rp.get(0).best();
        assertEquals(withPenalty.energy(x), rp.get(0).bestEnergy(), 1e-12);
        assertTrue(rp.get(0).bestEnergy() <= 0.0 + 1e-12, "never worse than the all-zero start");
        // a head block that does not fit alone is refused
        CpqcBackend tiny =
                CpqcBackend.builder(new EmulatedTransport(new BruteForceBackend(1)))
                        .maxSpins(6)
                        .build();
        assertThrows(
                IllegalArgumentException.class,
                () -> tiny.solve(SolveRequest.of(List.of(noPenalty), 0)));
    }

    private static AttentionProblem attention(double rho) {
        AttentionProblem base = RandomProblems.attention(3, 4, 2, new boolean[4], false, false, 11);
        AttentionProblem.Builder b = AttentionProblem.builder(3, 4, 2);
        for (int t = 0; t < 3; t++) {
            b.coupling(t, base.coupling(t)).linear(t, base.linear(t));
        }
        return b.couplingWeight(1).linearWeight(0.7).penaltyWeight(rho).build();
    }

    @Test
    void taskNamesAreHashesOfTheMatrix() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 6, 5);
        String a = IsingMapping.of(m, 8).taskName("qama-");
        assertEquals(a, IsingMapping.of(m, 8).taskName("qama-"));
        assertTrue(a.matches("qama-[0-9a-f]{16}"), a);
        String b = IsingMapping.of(RandomProblems.dense(Vartype.SPIN, 6, 6), 8).taskName("qama-");
        assertTrue(!a.equals(b));
    }

    @Test
    void fileExchangeRoundTripsWithSpinAndBitSolutions(@TempDir Path dir) throws Exception {
        for (boolean asBits : new boolean[] {false, true}) {
            Path d = dir.resolve(asBits ? "bits" : "spins");
            CpqcBackend b =
                    CpqcBackend.builder(
                                    new FileExchangeTransport(
                                            d,
                                            Duration.ofMillis(10),
                                            Duration.ofSeconds(30),
                                            false))
                            .allowPrecisionLoss(true)
                            .build();
            BinaryQuadraticModel m = RandomProblems.dense(Vartype.BINARY, 12, 9);
            BatchResult r;
            try (VendorResponder v = new VendorResponder(d, asBits, 64)) {
                r = b.solve(SolveRequest.builder(List.of(m)).reads(2).build());
                assertEquals(1, v.answered());
            }
            assertTrue(r.backend().startsWith("cpqc[file:"), r.backend());
            double bound = r.timing().get("cpqc_energy_error_bound");
            assertTrue(r.get(0).bestEnergy() <= Oracle.minimum(m) + 2 * bound + 1e-9);
            assertEquals(2, r.get(0).size(), "one solution vector, repeated to fill the reads");
            String task = IsingMapping.of(m, 8).taskName("qama-");
            Path td = d.resolve(task);
            assertTrue(Files.exists(td.resolve("task.json")));
            String note = Files.readString(td.resolve("task.json"));
            assertTrue(note.contains("never contacts"), note);
            // a re-run finds the answer already there (idempotent by task name)
            BatchResult again = b.solve(SolveRequest.builder(List.of(m)).reads(2).build());
            assertArrayEquals(r.get(0).best(), again.get(0).best());
        }
    }

    @Test
    void fileExchangeTimesOutHonestly(@TempDir Path dir) {
        CpqcBackend b =
                CpqcBackend.builder(
                                new FileExchangeTransport(
                                        dir, Duration.ofMillis(5), Duration.ofMillis(50), false))
                        .build();
        SolverException e =
                assertThrows(
                        SolverException.class,
                        () ->
                                b.solve(
                                        SolveRequest.of(
                                                List.of(RandomProblems.dense(Vartype.SPIN, 4, 1)),
                                                0)));
        assertTrue(e.getMessage().contains("never contacts QBoson hardware"), e.getMessage());
    }

    @Test
    void malformedSolutionsAreRejected() {
        assertThrows(
                SolverException.class,
                () -> FileExchangeTransport.parseSolution("{\"solutionVector\":[1,-1]}", 3, "x"));
        assertThrows(
                SolverException.class,
                () -> FileExchangeTransport.parseSolution("{\"solutionVector\":[1,0,-1]}", 3, "x"));
        assertThrows(
                SolverException.class,
                () -> FileExchangeTransport.parseSolution("{\"solutionVector\":[1,2,1]}", 3, "x"));
        assertThrows(
                SolverException.class, () -> FileExchangeTransport.parseSolution("{}", 3, "x"));
        List<byte[]> two =
                FileExchangeTransport.parseSolution(
                        "{\"solutionVector\":[[1,0,1],[-1,-1,1]]}", 3, "x");
        assertArrayEquals(new byte[] {1, -1, 1}, two.get(0));
        assertArrayEquals(new byte[] {-1, -1, 1}, two.get(1));
    }

    @Test
    void providerBuildsAnEmulatedBackend() {
        try (AnnealerBackend b =
                Annealers.create("cpqc", BackendOptions.parse("transport=emulate,max-spins=20"))) {
            assertEquals(19, b.capabilities().maxVariables());
            assertEquals(8, b.capabilities().couplingBits());
            Problem p = RandomProblems.dense(Vartype.SPIN, 8, 3);
            assertEquals(
                    p.energy(b.solve(SolveRequest.of(List.of(p), 0)).get(0).best()),
                    b.solve(SolveRequest.of(List.of(p), 0)).get(0).bestEnergy(),
                    1e-12);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> Annealers.create("cpqc", BackendOptions.parse("transport=carrier-pigeon")));
    }
}
