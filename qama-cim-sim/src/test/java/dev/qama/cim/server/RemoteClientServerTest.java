package dev.qama.cim.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.remote.RemoteProvider;
import dev.qama.core.remote.WireCodec;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolverException;
import dev.qama.core.testkit.Oracle;
import dev.qama.core.testkit.RandomProblems;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RemoteAnnealerBackend against real AnnealerServers on loopback. */
class RemoteClientServerTest {
    private final List<AnnealerServer> servers = new ArrayList<>();

    private AnnealerServer exactServer(int workers) throws Exception {
        AnnealerServer s =
                AnnealerServer.builder()
                        .backend("exact", new BruteForceBackend(1))
                        .workers(workers)
                        .queue(256)
                        .build()
                        .start();
        servers.add(s);
        return s;
    }

    @AfterEach
    void stopAll() {
        for (AnnealerServer s : servers) {
            s.stop(Duration.ZERO);
        }
    }

    private static RemoteAnnealerBackend.Builder client(URI... eps) {
        return RemoteAnnealerBackend.builder(List.of(eps))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .pollWait(Duration.ofSeconds(2))
                .jitterSeed(1);
    }

    @Test
    void sixteenClientsTwentyFiveBatchesEachNothingLostOrDuplicated() throws Exception {
        AnnealerServer a = exactServer(2);
        AnnealerServer b = exactServer(2);
        int clients = 16;
        int batches = 25;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Future<Integer>> fs = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                final int cid = c;
                fs.add(
                        pool.submit(
                                () -> {
                                    int ok = 0;
                                    // each client its own backend (own HttpClient), starting at
                                    // a different endpoint
                                    RemoteAnnealerBackend shared =
                                            cid % 2 == 0
                                                    ? client(a.uri(), b.uri()).build()
                                                    : client(b.uri(), a.uri()).build();
                                    for (int k = 0; k < batches; k++) {
                                        long seed = cid * 1000L + k;
                                        List<Problem> ps =
                                                List.of(
                                                        RandomProblems.dense(Vartype.SPIN, 6, seed),
                                                        RandomProblems.sparse(
                                                                Vartype.BINARY, 7, 0.5, seed + 7));
                                        BatchResult r =
                                                shared.solve(
                                                        SolveRequest.builder(ps)
                                                                .seed(seed)
                                                                .reads(2)
                                                                .build());
                                        assertEquals(2, r.size());
                                        assertTrue(
                                                r.backend().startsWith("remote[http://127.0.0.1:"));
                                        for (int j = 0; j < 2; j++) {
                                            SolveResult s = r.get(j);
                                            assertEquals(2, s.size());
                                            for (int q = 0; q < 2; q++) {
                                                assertEquals(
                                                        ps.get(j).energy(s.state(q)),
                                                        s.energy(q),
                                                        1e-12);
                                            }
                                            assertEquals(
                                                    Oracle.minimum(ps.get(j)),
                                                    s.bestEnergy(),
                                                    1e-6);
                                        }
                                        assertTrue(seen.add(cid + ":" + k), "duplicate batch " + k);
                                        ok++;
                                    }
                                    return ok;
                                }));
            }
            int total = 0;
            for (Future<Integer> f : fs) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(clients * batches, total);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(clients * batches, seen.size());
        // every batch is a distinct job, solved exactly once somewhere
        assertEquals(clients * batches, a.solvedJobs() + b.solvedJobs());
        assertTrue(a.solvedJobs() > 0 && b.solvedJobs() > 0, "round-robin used both servers");
    }

    private static AnnealerServer slowServer(SlowBackend slow) throws Exception {
        return AnnealerServer.builder().backend("slow", slow).workers(1).build().start();
    }

    private static void awaitStarted(SlowBackend slow) throws InterruptedException {
        long until = System.nanoTime() + 20_000_000_000L;
        while (slow.started.get() == 0 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(1, slow.started.get(), "the batch reached the first server");
    }

    @Test
    void explicitProblemSeedsReachTheServersSolver() throws Exception {
        AnnealerServer s =
                AnnealerServer.builder().backend("echo", new SeedEchoBackend()).build().start();
        servers.add(s);
        List<Problem> ps =
                List.of(
                        RandomProblems.dense(Vartype.SPIN, 40, 1),
                        RandomProblems.dense(Vartype.BINARY, 40, 2));
        long[] seeds = {0x0123_4567_89ab_cdefL, -0x5eedL};
        try (RemoteAnnealerBackend c = client(s.uri()).build()) {
            BatchResult r =
                    c.solve(SolveRequest.builder(ps).seed(9).reads(2).problemSeeds(seeds).build());
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(SeedEchoBackend.state(ps.get(k), seeds[k]), r.get(k).state(1));
                assertEquals(seeds[k], r.get(k).seed());
            }
            // without explicit seeds the server derives them from the root seed, as before
            BatchResult d = c.solve(SolveRequest.builder(ps).seed(9).reads(1).build());
            assertArrayEquals(
                    SeedEchoBackend.state(ps.get(1), dev.qama.core.spi.Seeds.forStream(9, 1)),
                    d.get(1).state(0));
        }
    }

    @Test
    void serverStoppedMidBatchFailsOverToTheSecondEndpoint() throws Exception {
        SlowBackend slow = new SlowBackend(Duration.ofSeconds(60));
        AnnealerServer dying = slowServer(slow);
        AnnealerServer healthy = exactServer(1);
        Problem p = RandomProblems.dense(Vartype.SPIN, 8, 4);
        // the server-side solver name must exist on both: serve "slow" as an alias of exact too
        AnnealerServer healthySlow =
                AnnealerServer.builder().backend("slow", new BruteForceBackend(1)).build().start();
        servers.add(healthySlow);
        try (RemoteAnnealerBackend c = client(dying.uri(), healthySlow.uri()).build()) {
            ExecutorService ex = Executors.newSingleThreadExecutor();
            Future<BatchResult> f =
                    ex.submit(() -> c.solve(SolveRequest.builder(List.of(p)).seed(3).build()));
            awaitStarted(slow);
            dying.stop(Duration.ZERO);
            BatchResult r = f.get(60, TimeUnit.SECONDS);
            ex.shutdownNow();
            assertEquals("remote[" + healthySlow.uri() + "]", r.backend());
            assertEquals(Oracle.minimum(p), r.get(0).bestEnergy(), 1e-6);
            assertTrue(r.timing().get("attempts") >= 2);
        }
        assertEquals(0, healthy.solvedJobs());
    }

    @Test
    void serverStoppedMidBatchFallsBackLocally() throws Exception {
        SlowBackend slow = new SlowBackend(Duration.ofSeconds(60));
        AnnealerServer dying = slowServer(slow);
        Problem p = RandomProblems.dense(Vartype.BINARY, 9, 5);
        try (RemoteAnnealerBackend c =
                client(dying.uri())
                        .retries(2)
                        .fallback(new BruteForceBackend(1), "exact")
                        .build()) {
            ExecutorService ex = Executors.newSingleThreadExecutor();
            Future<BatchResult> f =
                    ex.submit(() -> c.solve(SolveRequest.builder(List.of(p)).seed(3).build()));
            awaitStarted(slow);
            dying.stop(Duration.ZERO);
            BatchResult r = f.get(60, TimeUnit.SECONDS);
            ex.shutdownNow();
            assertEquals("remote→fallback:exact", r.backend());
            assertEquals(Oracle.minimum(p), r.get(0).bestEnergy(), 1e-6);
        }
    }

    @Test
    void withoutFallbackAClearErrorWithinTheDeadline() throws Exception {
        SlowBackend slow = new SlowBackend(Duration.ofSeconds(60));
        AnnealerServer dying = slowServer(slow);
        Problem p = RandomProblems.dense(Vartype.SPIN, 5, 6);
        Duration limit = Duration.ofMillis(500);
        Duration margin = Duration.ofSeconds(2);
        try (RemoteAnnealerBackend c =
                client(dying.uri()).retries(1000).deadlineMargin(margin).build()) {
            ExecutorService ex = Executors.newSingleThreadExecutor();
            long t0 = System.nanoTime();
            Future<BatchResult> f =
                    ex.submit(
                            () ->
                                    c.solve(
                                            SolveRequest.builder(List.of(p))
                                                    .timeLimit(limit)
                                                    .build()));
            awaitStarted(slow);
            dying.stop(Duration.ZERO);
            java.util.concurrent.ExecutionException e =
                    assertThrows(
                            java.util.concurrent.ExecutionException.class,
                            () -> f.get(60, TimeUnit.SECONDS));
            double took = (System.nanoTime() - t0) * 1e-9;
            ex.shutdownNow();
            assertTrue(e.getCause() instanceof SolverException, String.valueOf(e.getCause()));
            String msg = e.getCause().getMessage();
            assertTrue(msg.contains(dying.uri().toString()), msg);
            assertTrue(msg.contains("deadline"), msg);
            // the deadline is 2.5 s; allow slack for a loaded machine but not the 60 s hold
            assertTrue(took < 30, "failed after " + took + " s");
        }
    }

    @Test
    void fullQueueMakesTheClientBackOffAndSucceed() throws Exception {
        SlowBackend slow = new SlowBackend(Duration.ofMillis(400));
        AnnealerServer s =
                AnnealerServer.builder()
                        .backend("slow", slow)
                        .workers(1)
                        .queue(1)
                        .retryAfterSeconds(1)
                        .build()
                        .start();
        servers.add(s);
        // fill: one running, one queued
        for (int k = 0; k < 2; k++) {
            assertEquals(
                    202,
                    Http.post(
                                    s.uri(),
                                    null,
                                    WireCodec.BINARY_TYPE,
                                    WireCodec.encodeRequest(
                                            new dev.qama.core.remote.JobRequest(
                                                    List.of(
                                                            RandomProblems.dense(
                                                                    Vartype.SPIN, 4, k)),
                                                    k,
                                                    1,
                                                    0,
                                                    "")))
                            .statusCode());
        }
        Problem p = RandomProblems.dense(Vartype.SPIN, 4, 77);
        try (RemoteAnnealerBackend c = client(s.uri()).retries(20).build()) {
            BatchResult r = c.solve(SolveRequest.builder(List.of(p)).seed(77).build());
            assertEquals("remote[" + s.uri() + "]", r.backend());
            assertTrue(r.timing().get("attempts") >= 2, "was refused at least once: " + r.timing());
            assertTrue(r.timing().get("retry_seconds") >= 0.9, "honoured Retry-After");
        }
    }

    @Test
    void wrongTokenIsAPermanentClearError() throws Exception {
        AnnealerServer s =
                AnnealerServer.builder()
                        .backend("exact", new BruteForceBackend(1))
                        .token("t0k")
                        .build()
                        .start();
        servers.add(s);
        Problem p = RandomProblems.dense(Vartype.SPIN, 4, 1);
        try (RemoteAnnealerBackend c = client(s.uri()).token("bad").build()) {
            SolverException e =
                    assertThrows(
                            SolverException.class, () -> c.solve(SolveRequest.of(List.of(p), 0)));
            assertTrue(e.getMessage().contains("401"), e.getMessage());
        }
        try (RemoteAnnealerBackend c = client(s.uri()).token("t0k").build()) {
            assertEquals(
                    Oracle.minimum(p),
                    c.solve(SolveRequest.of(List.of(p), 0)).get(0).bestEnergy(),
                    1e-6);
        }
    }

    @Test
    void resultsAreTheSameAsLocalAndTimingsAreReported() throws Exception {
        AnnealerServer s = exactServer(1);
        List<Problem> ps =
                List.of(
                        RandomProblems.lowRank(Vartype.SPIN, 10, 2, 3),
                        RandomProblems.attention(
                                2,
                                4,
                                2,
                                new boolean[] {false, false, true, false},
                                false,
                                true,
                                5));
        SolveRequest req = SolveRequest.builder(ps).seed(11).reads(3).build();
        BatchResult local = new BruteForceBackend(1).solve(req);
        try (RemoteAnnealerBackend c = client(s.uri()).build()) {
            BatchResult r = c.solve(req);
            for (int k = 0; k < ps.size(); k++) {
                for (int q = 0; q < 3; q++) {
                    assertArrayEquals(local.get(k).state(q), r.get(k).state(q));
                }
            }
            for (String key :
                    List.of(
                            BatchResult.TOTAL_SECONDS,
                            BatchResult.SOLVE_SECONDS,
                            BatchResult.QUEUE_SECONDS,
                            BatchResult.TRANSFER_SECONDS)) {
                assertTrue(r.timing().get(key) >= 0, key);
            }
        }
    }

    @Test
    void providerIsConfiguredBySystemProperties() throws Exception {
        AnnealerServer s = exactServer(1);
        String old = System.getProperty("qama.remote.endpoints");
        System.setProperty("qama.remote.endpoints", s.uri().toString());
        try (AnnealerBackend b = Annealers.create("remote")) {
            Problem p = RandomProblems.dense(Vartype.SPIN, 5, 2);
            BatchResult r = b.solve(SolveRequest.of(List.of(p), 1));
            assertEquals("remote[" + s.uri() + "]", r.backend());
        } finally {
            if (old == null) {
                System.clearProperty("qama.remote.endpoints");
            } else {
                System.setProperty("qama.remote.endpoints", old);
            }
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RemoteProvider().create(BackendOptions.empty()));
        assertTrue(e.getMessage().contains("qama.remote.endpoints"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new RemoteProvider()
                                .create(BackendOptions.parse("endpoints=http://x:1,retries=-1")));
    }

    @Test
    void cpqcOverHttpSendsTheEightBitTaskAndNamesTheEndpoint() throws Exception {
        AnnealerServer s = exactServer(1);
        Problem p = RandomProblems.dense(Vartype.BINARY, 10, 12);
        try (dev.qama.core.cpqc.CpqcBackend c =
                dev.qama.core.cpqc.CpqcBackend.builder(
                                new dev.qama.core.cpqc.RemoteTransport(client(s.uri()).build()))
                        .allowPrecisionLoss(true)
                        .build()) {
            BatchResult r = c.solve(SolveRequest.builder(List.of(p)).reads(2).build());
            assertEquals("cpqc[remote[" + s.uri() + "]]", r.backend());
            double bound = r.timing().get("cpqc_energy_error_bound");
            assertTrue(r.get(0).bestEnergy() <= Oracle.minimum(p) + 2 * bound + 1e-9);
            assertEquals(p.energy(r.get(0).best()), r.get(0).bestEnergy(), 1e-12);
        }
        assertEquals(1, s.solvedJobs());
    }

    @Test
    void cpqcOverHttpPassesTheTimeLimitAndTheCancellationToTheServer() throws Exception {
        SlowBackend slow = new SlowBackend(Duration.ofSeconds(60));
        AnnealerServer s = slowServer(slow);
        servers.add(s);
        Problem p = RandomProblems.dense(Vartype.SPIN, 6, 13);
        try (dev.qama.core.cpqc.CpqcBackend c =
                dev.qama.core.cpqc.CpqcBackend.builder(
                                new dev.qama.core.cpqc.RemoteTransport(client(s.uri()).build()))
                        .allowPrecisionLoss(true)
                        .build()) {
            BatchResult r =
                    c.solve(
                            SolveRequest.builder(List.of(p))
                                    .timeLimit(Duration.ofMillis(300))
                                    .build());
            assertEquals(dev.qama.core.spi.SolveStatus.TIME_LIMIT, r.get(0).status());
            assertEquals(p.energy(r.get(0).best()), r.get(0).bestEnergy(), 1e-12);
            dev.qama.core.spi.Cancellation cancel = new dev.qama.core.spi.Cancellation();
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<BatchResult> f =
                        ex.submit(
                                () ->
                                        c.solve(
                                                SolveRequest.builder(List.of(p))
                                                        .seed(1)
                                                        .cancellation(cancel)
                                                        .build()));
                long until = System.nanoTime() + 20_000_000_000L;
                while (slow.started.get() < 2 && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                assertEquals(2, slow.started.get(), "the second batch reached the server");
                cancel.cancel();
                BatchResult rc = f.get(30, TimeUnit.SECONDS);
                assertEquals(dev.qama.core.spi.SolveStatus.INTERRUPTED, rc.get(0).status());
                assertEquals(p.energy(rc.get(0).best()), rc.get(0).bestEnergy(), 1e-12);
            } finally {
                ex.shutdownNow();
            }
        }
    }

    @Test
    void aServerReportingWrongEnergiesIsAnError() throws Exception {
        // a fake server: answers every submit at once with the all-(+1) state and a wrong energy
        com.sun.net.httpserver.HttpServer fake =
                com.sun.net.httpserver.HttpServer.create(
                        new java.net.InetSocketAddress(
                                java.net.InetAddress.getLoopbackAddress(), 0),
                        0);
        fake.createContext(
                "/",
                ex -> {
                    byte[] body = ex.getRequestBody().readAllBytes();
                    dev.qama.core.remote.JobRequest req = WireCodec.decodeRequest(body);
                    int n = req.problems().get(0).numVariables();
                    byte[] s = new byte[n];
                    java.util.Arrays.fill(s, (byte) 1);
                    double truth = req.problems().get(0).energy(s);
                    byte[] out =
                            WireCodec.encodeResult(
                                    new dev.qama.core.remote.JobResult(
                                            "liar",
                                            List.of(
                                                    new dev.qama.core.remote.JobResult
                                                            .ProblemResult(
                                                            dev.qama.core.spi.SolveStatus.COMPLETED,
                                                            new byte[][] {s},
                                                            new double[] {truth - 1})),
                                            0,
                                            0));
                    ex.getResponseHeaders().set("Content-Type", WireCodec.BINARY_TYPE);
                    ex.getResponseHeaders().set("X-Qama-Job-Id", WireCodec.jobId(body));
                    ex.sendResponseHeaders(200, out.length);
                    ex.getResponseBody().write(out);
                    ex.close();
                });
        fake.start();
        try (RemoteAnnealerBackend c =
                client(URI.create("http://127.0.0.1:" + fake.getAddress().getPort())).build()) {
            Problem p = RandomProblems.dense(Vartype.SPIN, 5, 1);
            SolverException e =
                    assertThrows(
                            SolverException.class, () -> c.solve(SolveRequest.of(List.of(p), 0)));
            assertTrue(e.getMessage().contains("local energy"), e.getMessage());
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void oversizedBatchIsAClearPermanentError() throws Exception {
        AnnealerServer s =
                AnnealerServer.builder()
                        .backend("exact", new BruteForceBackend(1))
                        .maxBodyBytes(1000)
                        .build()
                        .start();
        servers.add(s);
        Problem p = RandomProblems.dense(Vartype.SPIN, 20, 1);
        try (RemoteAnnealerBackend c = client(s.uri()).build()) {
            SolverException e =
                    assertThrows(
                            SolverException.class, () -> c.solve(SolveRequest.of(List.of(p), 0)));
            assertTrue(e.getMessage().contains("413"), e.getMessage());
            assertTrue(e.getMessage().contains(s.uri().toString()), e.getMessage());
        }
        assertEquals(0, s.solvedJobs());
    }
}
