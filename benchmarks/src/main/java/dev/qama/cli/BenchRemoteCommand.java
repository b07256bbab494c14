package dev.qama.cli;

import dev.qama.bench.Stats;
import dev.qama.cim.server.AnnealerServer;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qama bench remote}: the per-batch overhead of the remote path on loopback. Starts an
 * {@link AnnealerServer} in this process on 127.0.0.1 (or uses the {@code --endpoint} servers or
 * balancer), then solves the same seeded batches with the local backend and through a {@link
 * RemoteAnnealerBackend}, alternating, and reports medians; with {@code --clients C > 1}, C threads
 * send the batches at once and the figure is the throughput in jobs per second (every answer still
 * checked against the local solve).
 */
@Command(
        name = "remote",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the overhead of the remote path (encode, HTTP on loopback, queue, decode,"
                    + " re-validation) against the same backend called locally, per batch; with"
                    + " --endpoint, against running servers or a balancer, and with --clients C,"
                    + " the throughput of C concurrent clients in jobs per second."
        },
        footer = {
            "",
            "Example:",
            "  qama bench remote --solver exact --batches 200 --batch 8 --n 12",
            "  qama bench remote --endpoint http://127.0.0.1:8080 --solver sb --clients 6 --seed 7"
        })
public final class BenchRemoteCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--solver", paramLabel = "NAME", description = "Backend (default exact).")
    String solver = "exact";

    @Option(names = "--batches", paramLabel = "K", description = "Measured batches (default 200).")
    int batches = 200;

    @Option(names = "--warmup", paramLabel = "W", description = "Unmeasured batches (default 30).")
    int warmup = 30;

    @Option(names = "--batch", paramLabel = "B", description = "Problems per batch (default 8).")
    int batch = 8;

    @Option(names = "--n", paramLabel = "N", description = "Variables per problem (default 12).")
    int n = 12;

    private List<Problem> problems(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Problem> ps = new ArrayList<>();
        for (int k = 0; k < batch; k++) {
            float[] j = new float[n * n];
            for (int a = 0; a < n; a++) {
                for (int b = a + 1; b < n; b++) {
                    float v = (float) (rnd.nextDouble() * 2 - 1);
                    j[a * n + b] = v;
                    j[b * n + a] = v;
                }
            }
            ps.add(
                    BinaryQuadraticModel.of(
                            Vartype.SPIN, new float[n], DenseCoupling.ofSymmetric(n, j), 0));
        }
        return ps;
    }

    @Option(
            names = "--endpoint",
            paramLabel = "URI",
            split = ",",
            description = {
                "Measure against these running servers or a balancer (e.g. nginx in front of a"
                        + " pool) instead of a server started in this process; repeatable or"
                        + " comma-separated."
            })
    List<String> endpoints = new ArrayList<>();

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "The bearer token for --endpoint (first line of the file).")
    java.nio.file.Path tokenFile;

    @Option(
            names = "--clients",
            paramLabel = "C",
            description = {
                "Client threads sending batches at once (default 1). With C > 1 the batches are"
                        + " sent concurrently and the throughput (jobs/s) is the figure."
            })
    int clients = 1;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = {
                "Seed of the batches (default 0). Servers keep finished jobs and answer a repeated"
                        + " batch without solving it: use a new seed per run against a running pool."
            })
    long seed;

    private SolveRequest request(int k) {
        long s = seed * 1_000_003L + 1000L + k;
        return SolveRequest.of(problems(s), seed * 1_000_003L + k);
    }

    @Override
    public Integer call() throws IOException {
        if (batches < 1 || warmup < 0 || batch < 1 || n < 1 || clients < 1) {
            throw new UserException("--batches, --batch, --n and --clients must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<java.net.URI> eps = new ArrayList<>();
        for (String e : endpoints) {
            if (e.isBlank()) {
                continue;
            }
            try {
                eps.add(java.net.URI.create(e.trim()));
            } catch (IllegalArgumentException x) {
                throw new UserException("--endpoint '" + e + "' is not a URI: " + x.getMessage());
            }
        }
        String token = null;
        if (tokenFile != null) {
            try {
                token = dev.qama.core.remote.RemoteProvider.readToken(tokenFile);
            } catch (IllegalArgumentException e) {
                throw new UserException("--token-file: " + e.getMessage(), e);
            }
        }
        AnnealerServer server =
                eps.isEmpty()
                        ? AnnealerServer.fromAnnealers(List.of(solver)).workers(1).build().start()
                        : null;
        if (server != null) {
            eps.add(server.uri());
        }
        RemoteAnnealerBackend.Builder rb;
        try {
            rb =
                    RemoteAnnealerBackend.builder(eps)
                            .token(token)
                            .solver(server == null ? solver : "");
        } catch (IllegalArgumentException e) {
            throw new UserException("--endpoint: " + e.getMessage(), e);
        }
        try (AnnealerBackend local = Annealers.create(solver);
                RemoteAnnealerBackend remote = rb.build()) {
            if (clients == 1) {
                sequential(out, local, remote, eps);
            } else {
                concurrent(out, local, remote, eps);
            }
        } finally {
            if (server != null) {
                server.stop(java.time.Duration.ZERO);
            }
        }
        return Main.EXIT_OK;
    }

    private static void sameAsLocal(BatchResult l, BatchResult r) {
        for (int q = 0; q < l.size(); q++) {
            if (l.get(q).bestEnergy() != r.get(q).bestEnergy()) {
                throw new IllegalStateException("remote and local results differ");
            }
        }
    }

    /** One client: local and remote alternate per batch; medians and the overhead. */
    private void sequential(
            PrintWriter out,
            AnnealerBackend local,
            RemoteAnnealerBackend remote,
            List<java.net.URI> eps) {
        double[] tl = new double[batches];
        double[] tr = new double[batches];
        double[] diff = new double[batches];
        double[] transfer = new double[batches];
        double[] queue = new double[batches];
        for (int k = -warmup; k < batches; k++) {
            SolveRequest req = request(k);
            long t0 = System.nanoTime();
            BatchResult l = local.solve(req);
            long t1 = System.nanoTime();
            BatchResult r = remote.solve(req);
            long t2 = System.nanoTime();
            sameAsLocal(l, r);
            if (k >= 0) {
                tl[k] = (t1 - t0) * 1e-6;
                tr[k] = (t2 - t1) * 1e-6;
                diff[k] = tr[k] - tl[k];
                transfer[k] = r.timing().get(BatchResult.TRANSFER_SECONDS) * 1e3;
                queue[k] = r.timing().get(BatchResult.QUEUE_SECONDS) * 1e3;
            }
        }
        header(out);
        out.printf(Locale.ROOT, "local  median %.3f ms/batch%n", Stats.median(tl));
        out.printf(Locale.ROOT, "remote median %.3f ms/batch (%s)%n", Stats.median(tr), where(eps));
        out.printf(
                Locale.ROOT,
                "overhead median %.3f ms/batch (transfer %.3f ms, server queue %.3f ms)%n",
                Stats.median(diff),
                Stats.median(transfer),
                Stats.median(queue));
        double sum = 0;
        for (double t : tr) {
            sum += t;
        }
        out.printf(
                Locale.ROOT,
                "throughput %.1f jobs/s (1 client, one batch at a time)%n",
                batches / (sum * 1e-3));
    }

    /** C clients at once: the throughput in jobs (batches) per second and the latency. */
    private void concurrent(
            PrintWriter out,
            AnnealerBackend local,
            RemoteAnnealerBackend remote,
            List<java.net.URI> eps) {
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            run(pool, remote, -warmup, 0, null);
            double[] latency = new double[batches];
            long t0 = System.nanoTime();
            List<BatchResult> got = run(pool, remote, 0, batches, latency);
            double wall = (System.nanoTime() - t0) * 1e-9;
            for (int k = 0; k < batches; k++) {
                sameAsLocal(local.solve(request(k)), got.get(k));
            }
            header(out);
            out.printf(
                    Locale.ROOT,
                    "throughput %.1f jobs/s (%d clients, %d batches in %.2f s, %s)%n",
                    batches / wall,
                    clients,
                    batches,
                    wall,
                    where(eps));
            double[] sorted = latency.clone();
            java.util.Arrays.sort(sorted);
            out.printf(
                    Locale.ROOT,
                    "latency median %.3f ms/batch, p90 %.3f ms%n",
                    Stats.median(latency),
                    sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.9 * sorted.length) - 1)]);
        } finally {
            pool.shutdownNow();
        }
    }

    private List<BatchResult> run(
            java.util.concurrent.ExecutorService pool,
            RemoteAnnealerBackend remote,
            int from,
            int to,
            double[] latency) {
        List<java.util.concurrent.Future<BatchResult>> fs = new ArrayList<>();
        for (int k = from; k < to; k++) {
            SolveRequest req = request(k);
            int slot = k - from;
            fs.add(
                    pool.submit(
                            () -> {
                                long a = System.nanoTime();
                                BatchResult r = remote.solve(req);
                                if (latency != null) {
                                    latency[slot] = (System.nanoTime() - a) * 1e-6;
                                }
                                return r;
                            }));
        }
        List<BatchResult> out = new ArrayList<>();
        for (java.util.concurrent.Future<BatchResult> f : fs) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        return out;
    }

    private void header(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "solver %s, %d batches of %d problems x %d variables (after %d warm-up)%n",
                solver,
                batches,
                batch,
                n,
                warmup);
    }

    private String where(List<java.net.URI> eps) {
        return endpoints.isEmpty() ? "loopback " + eps.get(0) : "endpoints " + eps;
    }
}
