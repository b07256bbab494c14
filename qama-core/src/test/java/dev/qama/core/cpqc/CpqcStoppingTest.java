package dev.qama.core.cpqc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Cancellation;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.testkit.RandomProblems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cpqc backend's stop promises, with exact statuses: the batch time limit covers the whole
 * batch, cancellation and the caller's interrupt reach the emulator and the file exchange's wait,
 * and every problem reports what happened to it. The slow tasks are 2³⁰-state enumerations (the
 * emulator) or tasks nobody answers (the file exchange); every stop comes long before they finish.
 */
class CpqcStoppingTest {

    private static CpqcBackend emulated() {
        return CpqcBackend.builder(new EmulatedTransport(new BruteForceBackend(2)))
                .maxSpins(30) // the emulator's limit, also without the transport's own limit
                .allowPrecisionLoss(true)
                .build();
    }

    private static CpqcBackend file(Path dir) {
        return CpqcBackend.builder(
                        new FileExchangeTransport(
                                dir, Duration.ofMillis(5), Duration.ofSeconds(10), false))
                .allowPrecisionLoss(true)
                .build();
    }

    /** 29 variables: a 30-spin task, 2³⁰ states for the exact emulator. */
    private static BinaryQuadraticModel slow() {
        return RandomProblems.dense(Vartype.SPIN, 29, 17);
    }

    private static void assertEnergies(Problem p, SolveResult r) {
        for (int k = 0; k < r.size(); k++) {
            assertEquals(p.energy(r.state(k)), r.energy(k), 1e-9, "energy of read " + k);
        }
    }

    @Test
    void theTimeLimitCoversTheWholeBatch() {
        BinaryQuadraticModel fast = RandomProblems.dense(Vartype.BINARY, 8, 3);
        BinaryQuadraticModel warm = RandomProblems.dense(Vartype.SPIN, 6, 4);
        byte[] start = {1, -1, 1, 1, -1, -1};
        List<Problem> batch = List.of(slow(), fast, warm);
        try (CpqcBackend b = emulated()) {
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(batch)
                                    .reads(2)
                                    .timeLimit(Duration.ofMillis(150))
                                    .initialStates(Arrays.asList(null, null, start))
                                    .build());
            for (int k = 0; k < 3; k++) {
                assertEquals(SolveStatus.TIME_LIMIT, r.get(k).status(), "problem " + k);
                assertEquals(2, r.get(k).size());
                assertEnergies(batch.get(k), r.get(k));
            }
            assertEquals(1.0, r.timing().get("cpqc_tasks"), "no task starts after the deadline");
            assertEquals("cpqc[emulated:exact]", r.backend(), "the first task was answered");
            assertArrayEquals(new byte[8], r.get(1).best(), "no answer: the all-low state");
            assertArrayEquals(start, r.get(2).best(), "no answer: the warm start");
            assertEquals(SolveStatus.TIME_LIMIT, r.status());
        }
    }

    @Test
    void cancellationReachesTheEmulator() throws Exception {
        BinaryQuadraticModel p = slow();
        Cancellation c = new Cancellation();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (CpqcBackend b = emulated()) {
            Future<BatchResult> f =
                    ex.submit(
                            () ->
                                    b.solve(
                                            SolveRequest.builder(List.of(p))
                                                    .cancellation(c)
                                                    .build()));
            Thread.sleep(100);
            c.cancel();
            BatchResult r = f.get(30, TimeUnit.SECONDS);
            assertEquals(SolveStatus.INTERRUPTED, r.get(0).status());
            assertEnergies(p, r.get(0));
        } finally {
            ex.shutdownNow();
        }
    }

    /** Runs {@code solve} on a new thread, interrupts it after 100 ms, and returns its result. */
    private static BatchResult interrupted(Function<SolveRequest, BatchResult> solve, Problem p)
            throws InterruptedException {
        BatchResult[] out = new BatchResult[1];
        boolean[] flag = new boolean[1];
        Throwable[] failed = new Throwable[1];
        Thread t =
                new Thread(
                        () -> {
                            try {
                                out[0] = solve.apply(SolveRequest.of(List.of(p), 1));
                            } catch (Throwable e) {
                                failed[0] = e;
                            }
                            flag[0] = Thread.currentThread().isInterrupted();
                        });
        t.start();
        Thread.sleep(100);
        t.interrupt();
        t.join(30_000);
        assertFalse(t.isAlive(), "solve returned after the interrupt");
        if (failed[0] != null) {
            throw new AssertionError("solve failed after the interrupt", failed[0]);
        }
        assertTrue(flag[0], "the caller's interrupt flag is kept");
        return out[0];
    }

    @Test
    void theInterruptReachesTheEmulator() throws Exception {
        BinaryQuadraticModel p = slow();
        try (CpqcBackend b = emulated()) {
            BatchResult r = interrupted(b::solve, p);
            assertEquals(SolveStatus.INTERRUPTED, r.get(0).status());
            assertEnergies(p, r.get(0));
        }
    }

    @Test
    void aSplitAttentionProblemKeepsTheHeadsSolvedBeforeTheLimit() {
        // 2 heads × 29 tokens: each head block is a 30-spin task, the whole problem is not
        AttentionProblem a =
                RandomProblems.attention(2, 29, 1, RandomProblems.mask(29, 0, 1), false, true, 5);
        byte[] start = RandomProblems.state(a, new SplittableRandom(6));
        try (CpqcBackend b = emulated()) {
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(List.of(a))
                                    .timeLimit(Duration.ofMillis(150))
                                    .initialStates(Arrays.asList(start))
                                    .build());
            SolveResult s = r.get(0);
            assertEquals(SolveStatus.TIME_LIMIT, s.status());
            assertEquals(1.0, r.timing().get("cpqc_tasks"), "the second head never started");
            assertEnergies(a, s);
            assertTrue(s.bestEnergy() <= a.energy(start), "never worse than the warm start");
        }
    }

    @Test
    void aSplitProblemCancelledBeforeItStartsReturnsItsWarmStartWithMaskedBitsLow() {
        boolean[] mask = RandomProblems.mask(29, 2, 7);
        AttentionProblem a = RandomProblems.attention(2, 29, 1, mask, false, true, 8);
        byte[] start = new byte[a.numVariables()];
        Arrays.fill(start, (byte) 1); // masked bits set: the backend must not return them
        Cancellation c = new Cancellation();
        c.cancel();
        try (CpqcBackend b = emulated()) {
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(List.of(a))
                                    .reads(3)
                                    .cancellation(c)
                                    .initialStates(Arrays.asList(start))
                                    .build());
            SolveResult s = r.get(0);
            assertEquals(SolveStatus.INTERRUPTED, s.status());
            assertEquals("cpqc", r.backend(), "no answer came back");
            assertEquals(0.0, r.timing().get("cpqc_tasks"));
            for (int k = 0; k < 3; k++) {
                byte[] x = s.state(k);
                for (int v = 0; v < x.length; v++) {
                    assertEquals(a.isFree(v) ? 1 : 0, x[v], "read " + k + " variable " + v);
                }
            }
        }
    }

    @Test
    void theFileExchangeStopsWaitingAtTheTimeLimitAndARerunPicksTheAnswerUp(@TempDir Path dir)
            throws Exception {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.BINARY, 10, 9);
        byte[] start = new byte[10];
        start[3] = 1;
        try (CpqcBackend b = file(dir)) {
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(List.of(m))
                                    .timeLimit(Duration.ofMillis(100))
                                    .initialStates(Arrays.asList(start))
                                    .build());
            assertEquals(SolveStatus.TIME_LIMIT, r.get(0).status());
            assertArrayEquals(start, r.get(0).best(), "no answer: the warm start");
            assertEquals("cpqc", r.backend(), "no hardware answered");
            String task = b.map(m, "problem 0").taskName("qama-");
            assertTrue(Files.exists(dir.resolve(task).resolve("matrix.csv")), "the task is kept");
            BatchResult again;
            try (VendorResponder v = new VendorResponder(dir, true, 64)) {
                again = b.solve(SolveRequest.of(List.of(m), 0));
                assertEquals(1, v.answered());
            }
            assertEquals(SolveStatus.COMPLETED, again.get(0).status());
            assertTrue(again.backend().startsWith("cpqc[file:"), again.backend());
        }
    }

    @Test
    void cancellationAndInterruptEndTheFileExchangeWait(@TempDir Path dir) throws Exception {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 10, 10);
        Cancellation c = new Cancellation();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (CpqcBackend b = file(dir)) {
            Future<BatchResult> f =
                    ex.submit(
                            () ->
                                    b.solve(
                                            SolveRequest.builder(List.of(m))
                                                    .cancellation(c)
                                                    .build()));
            Thread.sleep(100);
            c.cancel();
            BatchResult r = f.get(30, TimeUnit.SECONDS);
            assertEquals(SolveStatus.INTERRUPTED, r.get(0).status());
            assertEnergies(m, r.get(0));
            BatchResult i = interrupted(b::solve, m);
            assertEquals(SolveStatus.INTERRUPTED, i.get(0).status());
            assertEnergies(m, i.get(0));
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void theEmulatorsLimitIsTheBackendsLimit() {
        try (AnnealerBackend b =
                Annealers.create("cpqc", BackendOptions.parse("transport=emulate"))) {
            assertEquals(29, b.capabilities().maxVariables(), "the exact emulator takes 30 spins");
            BinaryQuadraticModel big = RandomProblems.dense(Vartype.SPIN, 35, 1);
            assertFalse(b.isCapable(big));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> b.solve(SolveRequest.of(List.of(big), 0)));
            assertTrue(e.getMessage().contains("problem 0"), e.getMessage());
            assertTrue(e.getMessage().contains("emulated:exact"), e.getMessage());
        }
    }
}
