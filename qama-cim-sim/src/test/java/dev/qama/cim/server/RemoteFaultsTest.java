package dev.qama.cim.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolverException;
import dev.qama.core.testkit.Oracle;
import dev.qama.core.testkit.RandomProblems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Faults the remote path must survive (issue 16, rows 1-3 and 7), all on loopback. */
class RemoteFaultsTest {
    private final List<AnnealerServer> servers = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopAll() throws Exception {
        for (AnnealerServer s : servers) {
            s.stop(Duration.ZERO);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        pool.shutdownNow();
    }

    private AnnealerServer serve(String name, dev.qama.core.spi.AnnealerBackend b)
            throws Exception {
        AnnealerServer s = AnnealerServer.builder().backend(name, b).workers(1).build().start();
        servers.add(s);
        return s;
    }

    private static RemoteAnnealerBackend.Builder client(URI... eps) {
        return RemoteAnnealerBackend.builder(List.of(eps))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .pollWait(Duration.ofMillis(500))
                .jitterSeed(1);
    }

    private static void awaitStarted(SlowBackend slow) throws InterruptedException {
        long until = System.nanoTime() + 20_000_000_000L;
        while (slow.started.get() == 0 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(1, slow.started.get(), "the batch reached the first server");
    }

    // ---------------------------------------------------------------- row 1

    @Test
    void aJobCancelledByAGracefulStopIsNeverReturnedAsASolution() throws Exception {
        Problem p = RandomProblems.dense(Vartype.SPIN, 8, 4);
        SlowBackend slow = new SlowBackend(Duration.ofSeconds(60));
        AnnealerServer dying = serve("slow", slow);
        AnnealerServer healthy = serve("slow", new BruteForceBackend(1));
        try (RemoteAnnealerBackend c = client(dying.uri(), healthy.uri()).build()) {
            Future<BatchResult> f =
                    pool.submit(() -> c.solve(SolveRequest.builder(List.of(p)).seed(3).build()));
            awaitStarted(slow);
            dying.stop(Duration.ofMillis(200)); // graceful: the running job is cancelled
            BatchResult r = f.get(60, TimeUnit.SECONDS);
            assertEquals("remote[" + healthy.uri() + "]", r.backend());
            assertEquals(Oracle.minimum(p), r.get(0).bestEnergy(), 1e-6);
        }
        // alone, the same stop is a clear error, not the partial states
        SlowBackend slow2 = new SlowBackend(Duration.ofSeconds(60));
        AnnealerServer alone = serve("slow", slow2);
        try (RemoteAnnealerBackend c = client(alone.uri()).retries(1).build()) {
            Future<BatchResult> f =
                    pool.submit(() -> c.solve(SolveRequest.builder(List.of(p)).seed(3).build()));
            awaitStarted(slow2);
            alone.stop(Duration.ofMillis(200));
            ExecutionException e =
                    assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof SolverException, String.valueOf(e.getCause()));
            String msg = e.getCause().getMessage();
            assertTrue(msg.contains(alone.uri().toString()), msg);
        }
    }

    // ---------------------------------------------------------------- row 2

    private static Socket slowClient(URI u, String partial) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), u.getPort());
        s.setSoTimeout(15_000);
        OutputStream o = s.getOutputStream();
        o.write(partial.getBytes(StandardCharsets.US_ASCII));
        o.flush();
        return s;
    }

    /** True when the server closed the connection (EOF or reset) before the socket timeout. */
    private static boolean closedByServer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void slowHeadersAndSlowBodiesAreCutOffAndHealthStaysAnswered() throws Exception {
        AnnealerServer s =
                AnnealerServer.builder()
                        .backend("exact", new BruteForceBackend(1))
                        .maxConnections(4)
                        .headerTimeout(Duration.ofMillis(300))
                        .bodyTimeout(Duration.ofMillis(300))
                        .build()
                        .start();
        servers.add(s);
        List<Socket> slow = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            slow.add(slowClient(s.uri(), "GET /v1/health HTTP/1.1\r\nHost: x\r\n"));
        }
        slow.add(
                slowClient(
                        s.uri(),
                        "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                                + "Content-Type: application/json\r\n\r\n{\"pro"));
        // every connection slot is taken by a slow client; health must still get through
        int status = 0;
        for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
            try {
                status =
                        Http.send(
                                        Http.at(s.uri(), "/v1/health", null)
                                                .timeout(Duration.ofSeconds(5))
                                                .GET()
                                                .build())
                                .statusCode();
            } catch (IOException refusedWhileFull) {
                Thread.sleep(50);
            }
        }
        assertEquals(200, status);
        for (Socket c : slow) {
            assertTrue(closedByServer(c), "a slow client was disconnected");
        }
        assertTrue(s.timedOutExchanges() >= 4, "timed out: " + s.timedOutExchanges());
    }

    // ---------------------------------------------------------------- row 3

    /** A server that answers every request with headers and a few bytes, then stalls. */
    private URI stallingServer() throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(ss);
        pool.submit(
                () -> {
                    List<Socket> held = new ArrayList<>();
                    try {
                        while (true) {
                            Socket c = ss.accept();
                            held.add(c);
                            closeables.add(c);
                            InputStream in = c.getInputStream();
                            int last4 = 0;
                            while (last4 != 0x0d0a0d0a) {
                                int b = in.read();
                                if (b < 0) {
                                    break;
                                }
                                last4 = (last4 << 8) | b;
                            }
                            c.getOutputStream()
                                    .write(
                                            ("HTTP/1.1 200 OK\r\nContent-Type:"
                                                            + " application/octet-stream\r\n"
                                                            + "Content-Length: 100000\r\n\r\nQAMA")
                                                    .getBytes(StandardCharsets.US_ASCII));
                            c.getOutputStream().flush();
                        }
                    } catch (IOException closed) {
                        return null;
                    }
                });
        return URI.create("http://127.0.0.1:" + ss.getLocalPort());
    }

    @Test
    void aServerThatStallsAfterItsHeadersDoesNotHoldTheBatch() throws Exception {
        URI stall = stallingServer();
        Problem p = RandomProblems.dense(Vartype.SPIN, 6, 8);
        // alone: the deadline ends the batch with a clear error
        try (RemoteAnnealerBackend c =
                client(stall)
                        .requestTimeout(Duration.ofMillis(300))
                        .deadline(Duration.ofSeconds(1))
                        .retries(1000)
                        .build()) {
            Future<BatchResult> f =
                    pool.submit(() -> c.solve(SolveRequest.builder(List.of(p)).build()));
            ExecutionException e =
                    assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof SolverException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("deadline"), e.getCause().getMessage());
        }
        // with a healthy second endpoint: the request timeout moves the batch there
        AnnealerServer healthy = serve("exact", new BruteForceBackend(1));
        try (RemoteAnnealerBackend c =
                client(stall, healthy.uri()).requestTimeout(Duration.ofMillis(300)).build()) {
            Future<BatchResult> f =
                    pool.submit(() -> c.solve(SolveRequest.builder(List.of(p)).build()));
            BatchResult r = f.get(20, TimeUnit.SECONDS);
            assertEquals("remote[" + healthy.uri() + "]", r.backend());
            assertEquals(Oracle.minimum(p), r.get(0).bestEnergy(), 1e-6);
        }
    }

    // ---------------------------------------------------------------- row 7

    private static int attemptsOverSixBatches(RemoteAnnealerBackend c) {
        int attempts = 0;
        for (int b = 0; b < 6; b++) {
            Problem p = RandomProblems.dense(Vartype.SPIN, 5, b);
            BatchResult r = c.solve(SolveRequest.builder(List.of(p)).seed(b).build());
            assertEquals(Oracle.minimum(p), r.get(0).bestEnergy(), 1e-6);
            attempts += r.timing().get("attempts").intValue();
        }
        return attempts;
    }

    @Test
    void aFailedEndpointIsAvoidedForTheBreakerPeriod() throws Exception {
        AnnealerServer dead = serve("exact", new BruteForceBackend(1));
        AnnealerServer healthy = serve("exact", new BruteForceBackend(1));
        URI deadUri = dead.uri();
        dead.stop(Duration.ZERO); // its port now refuses connections
        try (RemoteAnnealerBackend c =
                client(deadUri, healthy.uri()).circuitBreaker(Duration.ofMinutes(1)).build()) {
            assertEquals(7, attemptsOverSixBatches(c), "only the first batch tried the dead one");
        }
        try (RemoteAnnealerBackend c =
                client(deadUri, healthy.uri()).circuitBreaker(Duration.ZERO).build()) {
            assertEquals(9, attemptsOverSixBatches(c), "without a breaker every other batch");
        }
    }

    @Test
    void aFrozenEndpointIsOvertakenByAHedgedRequest() throws Exception {
        Problem p = RandomProblems.dense(Vartype.BINARY, 8, 11);
        SlowBackend frozen = new SlowBackend(Duration.ofSeconds(60));
        AnnealerServer a = serve("slow", frozen);
        AnnealerServer b = serve("slow", new BruteForceBackend(1));
        try (RemoteAnnealerBackend c =
                client(a.uri(), b.uri()).hedgeAfter(Duration.ofMillis(200)).build()) {
            Future<BatchResult> f =
                    pool.submit(() -> c.solve(SolveRequest.builder(List.of(p)).seed(5).build()));
            BatchResult r = f.get(20, TimeUnit.SECONDS);
            assertEquals("remote[" + b.uri() + "]", r.backend());
            assertEquals(Oracle.minimum(p), r.get(0).bestEnergy(), 1e-6);
        }
        // the overtaken job is cancelled on the frozen server
        long until = System.nanoTime() + 20_000_000_000L;
        while (a.runningJobs() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(0, a.runningJobs());
    }
}
