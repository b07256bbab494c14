package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.server.AnnealerServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qama serve} and {@code qama bench remote}. */
class ServeCommandTest {
    @TempDir Path dir;

    private static int get(URI u, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient()
                .send(b.GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void serveStartsOnLoopbackWithATokenFile() throws Exception {
        Path tf = dir.resolve("token");
        Files.writeString(tf, "tok-123\n");
        ServeCommand c = new ServeCommand();
        c.port = 0;
        c.tokenFile = tf;
        c.solvers = List.of("exact");
        c.maxSpins = 20;
        AnnealerServer s = c.start();
        try {
            assertTrue(s.uri().toString().startsWith("http://127.0.0.1:"), s.uri().toString());
            assertEquals(200, get(URI.create(s.uri() + "/v1/health"), null));
            assertEquals(401, get(URI.create(s.uri() + "/v1/info"), null));
            assertEquals(200, get(URI.create(s.uri() + "/v1/info"), "tok-123"));
        } finally {
            s.stop(Duration.ZERO);
        }
    }

    @Test
    void userErrorsAreOneLine() {
        CliRun.assertUserError(
                "token file",
                "serve",
                "--port",
                "0",
                "--token-file",
                dir.resolve("none").toString());
        CliRun.assertUserError("--port 70000", "serve", "--port", "70000");
        CliRun.assertUserError("no-such", "serve", "--port", "0", "--solver", "no-such");
        CliRun.assertUserError("--port", "serve");
        // refused before anything is bound: a non-loopback address needs a token or --insecure
        CliRun.assertUserError(
                "--host 0.0.0.0: refusing to serve on the non-loopback address 0.0.0.0 without a"
                        + " bearer token",
                "serve",
                "--port",
                "0",
                "--host",
                "0.0.0.0",
                "--solver",
                "exact");
    }

    @Test
    void benchRemoteReportsTheOverhead() {
        CliRun r =
                CliRun.of(
                        "bench",
                        "remote",
                        "--batches",
                        "3",
                        "--warmup",
                        "1",
                        "--batch",
                        "2",
                        "--n",
                        "6");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("overhead median"), r.out());
        assertTrue(r.out().contains("local  median"), r.out());
    }

    @Test
    void benchRemoteMeasuresThroughputAgainstRunningEndpoints() throws Exception {
        dev.qama.cim.server.AnnealerServer a =
                dev.qama.cim.server.AnnealerServer.fromAnnealers(java.util.List.of("exact"))
                        .build()
                        .start();
        dev.qama.cim.server.AnnealerServer b =
                dev.qama.cim.server.AnnealerServer.fromAnnealers(java.util.List.of("exact"))
                        .build()
                        .start();
        try {
            CliRun r =
                    CliRun.of(
                            "bench",
                            "remote",
                            "--endpoint",
                            a.uri() + "," + b.uri(),
                            "--clients",
                            "3",
                            "--batches",
                            "6",
                            "--warmup",
                            "1",
                            "--batch",
                            "2",
                            "--n",
                            "6");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("throughput "), r.out());
            assertTrue(r.out().contains("(3 clients, 6 batches in "), r.out());
            assertTrue(r.out().contains("endpoints [" + a.uri() + ", " + b.uri() + "]"), r.out());
            assertEquals(7, a.solvedJobs() + b.solvedJobs(), "6 measured + 1 warm-up, each once");
            assertTrue(a.solvedJobs() > 0 && b.solvedJobs() > 0, "both endpoints served");
        } finally {
            a.stop(java.time.Duration.ZERO);
            b.stop(java.time.Duration.ZERO);
        }
        CliRun.assertUserError(
                "qama: --endpoint: endpoint 'ftp://x' is not an http(s)://host[:port] URI",
                "bench",
                "remote",
                "--endpoint",
                "ftp://x");
        CliRun.assertUserError(
                "qama: --batches, --batch, --n and --clients must be positive",
                "bench",
                "remote",
                "--clients",
                "0");
    }
}
