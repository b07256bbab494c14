package dev.qama.cim.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.Problem;
import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.testkit.RandomProblems;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The solver pool as shipped: three annealer servers behind nginx configured with the repository's
 * {@code nginx-pool.conf} (loopback only, nginx started with its own prefix in a temporary folder
 * and stopped by the test). The client knows only the balancer's address. Skipped when nginx is not
 * installed ({@code .ci/setup} installs it as root).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NginxPoolTest {
    /** The shipped template (an http-context file). */
    static final String TEMPLATE = "/dev/qama/cim/server/nginx-pool.conf";

    private static final Duration HOLD = Duration.ofMillis(250);
    private final List<AnnealerServer> servers = new ArrayList<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(6);
    private Process nginx;
    private Path dir;

    @AfterEach
    void stopAll() throws Exception {
        clients.shutdownNow();
        if (nginx != null) {
            nginx.destroy(); // SIGTERM: nginx's fast shutdown
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (AnnealerServer s : servers) {
            s.stop(Duration.ZERO);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The nginx binary on the PATH or in /usr/sbin, or null. */
    static Path findNginx() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "nginx"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/nginx"));
        candidates.add(Path.of("/usr/local/nginx/sbin/nginx"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The shipped template with its listen address and upstream servers replaced; fails if the
     * template no longer has the lines this test rewrites.
     */
    static String poolConfig(int listenPort, List<URI> upstreams) throws IOException {
        String t;
        try (InputStream in = NginxPoolTest.class.getResourceAsStream(TEMPLATE)) {
            assertTrue(in != null, TEMPLATE + " is on the class path");
            t = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher listen = Pattern.compile("(?m)^    listen [^;]+;$").matcher(t);
        assertTrue(listen.find(), "the template has one listen line");
        t = listen.replaceFirst("    listen 127.0.0.1:" + listenPort + ";");
        Pattern server = Pattern.compile("(?m)^    server 127\\.0\\.0\\.1:808[1-3] ([^;]+);\\n");
        Matcher m = server.matcher(t);
        assertTrue(m.find(), "the template lists example servers");
        String params = m.group(1);
        int first = m.start();
        int count = 1;
        while (m.find()) {
            count++;
        }
        assertEquals(3, count, "the template lists three example servers");
        StringBuilder lines = new StringBuilder();
        for (URI u : upstreams) {
            lines.append("    server 127.0.0.1:")
                    .append(u.getPort())
                    .append(' ')
                    .append(params)
                    .append(";\n");
        }
        t = server.matcher(t).replaceAll("");
        return t.substring(0, first) + lines + t.substring(first);
    }

    /** Starts nginx in the foreground with its own prefix; returns the balancer's address. */
    private URI startNginx(Path exe, List<URI> upstreams) throws Exception {
        dir = Files.createTempDirectory("qama-nginx");
        int port = freePort();
        Files.writeString(dir.resolve("pool.conf"), poolConfig(port, upstreams));
        // single process: no privilege drop to the package's user when the test runs as root,
        // and every path inside the temporary prefix
        String main =
                String.join(
                        "\n",
                        "daemon off;",
                        "master_process off;",
                        "pid " + dir.resolve("nginx.pid") + ";",
                        "error_log " + dir.resolve("error.log") + " warn;",
                        "events { worker_connections 256; }",
                        "http {",
                        "    access_log off;",
                        "    client_body_temp_path " + dir.resolve("body") + ";",
                        "    proxy_temp_path " + dir.resolve("proxy") + ";",
                        "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                        "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                        "    scgi_temp_path " + dir.resolve("scgi") + ";",
                        "    include " + dir.resolve("pool.conf") + ";",
                        "}",
                        "");
        Files.writeString(dir.resolve("nginx.conf"), main);
        nginx =
                new ProcessBuilder(
                                exe.toString(),
                                "-p",
                                dir.toString(),
                                "-e",
                                dir.resolve("error.log").toString(),
                                "-c",
                                dir.resolve("nginx.conf").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("stdout.log").toFile())
                        .start();
        URI balancer = URI.create("http://127.0.0.1:" + port);
        long until = System.nanoTime() + 15_000_000_000L;
        while (true) {
            if (!nginx.isAlive()) {
                throw new AssertionError(
                        "nginx exited with "
                                + nginx.exitValue()
                                + ": "
                                + Files.readString(dir.resolve("stdout.log"))
                                + log());
            }
            try {
                HttpResponse<String> h = Http.get(balancer, "/v1/health", null);
                if (h.statusCode() == 200) {
                    return balancer;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("nginx did not answer /v1/health within 15 s" + log());
            }
            Thread.sleep(20);
        }
    }

    private String log() {
        try {
            Path p = dir.resolve("error.log");
            return Files.exists(p) ? "\nerror.log:\n" + Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** QAMA-shaped batches: four attention problems of 2 heads × 6 tokens × 2 bits. */
    private static SolveRequest batch(long seed) {
        List<Problem> ps = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            ps.add(
                    RandomProblems.attention(
                            2,
                            6,
                            2,
                            RandomProblems.mask(6, 1, seed * 31 + k),
                            k % 2 == 1,
                            k == 0,
                            seed * 131 + k));
        }
        return SolveRequest.builder(ps).seed(seed).reads(2).build();
    }

    /** Solves the batches of the given seeds through the balancer, six at a time. */
    private List<Future<BatchResult>> submit(RemoteAnnealerBackend client, long from, int count) {
        List<Future<BatchResult>> out = new ArrayList<>();
        for (long s = from; s < from + count; s++) {
            SolveRequest r = batch(s);
            out.add(clients.submit(() -> client.solve(r)));
        }
        return out;
    }

    private static void assertSameAsLocal(
            AnnealerBackend local, long from, List<Future<BatchResult>> got, URI balancer)
            throws Exception {
        for (int i = 0; i < got.size(); i++) {
            SolveRequest r = batch(from + i);
            BatchResult remote = got.get(i).get(60, TimeUnit.SECONDS);
            BatchResult want = local.solve(r);
            assertEquals("remote[" + balancer + "]", remote.backend(), "served by the balancer");
            assertEquals(want.size(), remote.size());
            for (int k = 0; k < want.size(); k++) {
                assertEquals(
                        want.get(k).status(),
                        remote.get(k).status(),
                        "batch " + i + " problem " + k);
                for (int q = 0; q < r.reads(); q++) {
                    assertArrayEquals(
                            want.get(k).state(q),
                            remote.get(k).state(q),
                            "batch " + i + " problem " + k + " read " + q);
                    assertEquals(want.get(k).energy(q), remote.get(k).energy(q), 0.0);
                }
            }
        }
    }

    @Test
    void deploymentDocShowsTheShippedConfiguration() throws IOException {
        String conf;
        try (InputStream in = NginxPoolTest.class.getResourceAsStream(TEMPLATE)) {
            conf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String doc = Files.readString(Path.of("..", "docs", "deployment.md"));
        assertTrue(
                doc.contains("```nginx\n" + conf + "```\n"),
                "docs/deployment.md shows " + TEMPLATE + " verbatim in an nginx block");
    }

    @Test
    void threeServersBehindNginxLoseNothingWhenOneIsKilled() throws Exception {
        Path exe = findNginx();
        Assumptions.assumeTrue(
                exe != null,
                "nginx is not installed (Debian: apt-get install nginx, or run .ci/setup as"
                        + " root); skipping the solver-pool test");
        List<URI> ups = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AnnealerServer s =
                    AnnealerServer.builder()
                            .backend("sb", new HeldBackend(Annealers.create("sb"), HOLD))
                            .workers(2)
                            .build()
                            .start();
            servers.add(s);
            ups.add(s.uri());
        }
        URI balancer = startNginx(exe, ups);
        try (AnnealerBackend local = Annealers.create("sb");
                RemoteAnnealerBackend client =
                        RemoteAnnealerBackend.builder(List.of(balancer))
                                // shorter than a job: submit-and-wait answers "running", and the
                                // result comes from a long poll, which must reach the same server
                                .pollWait(Duration.ofMillis(100))
                                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                                .retries(6)
                                .deadline(Duration.ofSeconds(30))
                                .jitterSeed(3)
                                .build()) {
            // 1. all servers up: every job is solved once, on the server its id hashes to
            int n1 = 12;
            assertSameAsLocal(local, 0, submit(client, 0, n1), balancer);
            long[] solved1 = new long[3];
            int used = 0;
            for (int i = 0; i < 3; i++) {
                solved1[i] = servers.get(i).solvedJobs();
                used += solved1[i] > 0 ? 1 : 0;
            }
            assertEquals(
                    n1,
                    solved1[0] + solved1[1] + solved1[2],
                    "each job solved exactly once: its polls reached the server that took it");
            assertTrue(used >= 2, "jobs are spread over the servers: " + used + " used");

            // 2. one server is killed while it solves: nothing is lost, every answer is right
            int n2 = 12;
            List<Future<BatchResult>> f = submit(client, 1000, n2);
            int victim = -1;
            int cut = 0;
            long until = System.nanoTime() + 30_000_000_000L;
            while (victim < 0 && System.nanoTime() < until) {
                for (int i = 0; i < 3 && victim < 0; i++) {
                    AnnealerServer s = servers.get(i);
                    int running = s.runningJobs();
                    if (running > 0) {
                        victim = i;
                        cut = running;
                    }
                }
                Thread.sleep(2);
            }
            assertTrue(victim >= 0, "a server was solving phase-2 jobs");
            AnnealerServer dead = servers.get(victim);
            // past the client's first wait (100 ms) and before the end of the hold (250 ms): the
            // job's client is long-polling this server when it dies
            Thread.sleep(130);
            dead.stop(Duration.ZERO); // connections closed at once, running jobs abandoned
            long deadSolved = dead.solvedJobs() - solved1[victim];
            assertTrue(cut > 0, "the killed server had jobs in flight");

            assertSameAsLocal(local, 1000, f, balancer);
            long survivors = 0;
            for (int i = 0; i < 3; i++) {
                if (i != victim) {
                    survivors += servers.get(i).solvedJobs() - solved1[i];
                }
            }
            assertTrue(
                    survivors + deadSolved >= n2,
                    "the jobs the dead server did not finish were solved by the others: "
                            + survivors
                            + " + "
                            + deadSolved
                            + " < "
                            + n2);
            assertTrue(nginx.isAlive(), "nginx still runs" + log());
        }
    }

    /** Holds each batch for a while, then solves it with the delegate (seeded: reproducible). */
    static final class HeldBackend implements AnnealerBackend {
        private final AnnealerBackend delegate;
        private final Duration hold;

        HeldBackend(AnnealerBackend delegate, Duration hold) {
            this.delegate = delegate;
            this.hold = hold;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public BackendCapabilities capabilities() {
            return delegate.capabilities();
        }

        @Override
        public boolean isCapable(Problem p) {
            return delegate.isCapable(p);
        }

        @Override
        public BatchResult solve(SolveRequest request) {
            try {
                Thread.sleep(hold.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return delegate.solve(request);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
