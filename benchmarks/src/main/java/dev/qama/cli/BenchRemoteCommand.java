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
 * {@link AnnealerServer} in this process on 127.0.0.1, then solves the same seeded batches with the
 * local backend and through a {@link RemoteAnnealerBackend}, alternating, and reports medians.
 */
@Command(
        name = "remote",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the overhead of the remote path (encode, HTTP on loopback, queue, decode,"
                    + " re-validation) against the same backend called locally, per batch."
        },
        footer = {
            "",
            "Example:",
            "  qama bench remote --solver exact --batches 200 --batch 8 --n 12"
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

    @Override
    public Integer call() throws IOException {
        if (batches < 1 || warmup < 0 || batch < 1 || n < 1) {
            throw new UserException("--batches, --batch and --n must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        AnnealerServer server =
                AnnealerServer.fromAnnealers(List.of(solver)).workers(1).build().start();
        try (AnnealerBackend local = Annealers.create(solver);
                RemoteAnnealerBackend remote =
                        RemoteAnnealerBackend.builder(List.of(server.uri())).build()) {
            double[] tl = new double[batches];
            double[] tr = new double[batches];
            double[] diff = new double[batches];
            double[] transfer = new double[batches];
            double[] queue = new double[batches];
            for (int k = -warmup; k < batches; k++) {
                SolveRequest req = SolveRequest.of(problems(1000L + k), k);
                long t0 = System.nanoTime();
                BatchResult l = local.solve(req);
                long t1 = System.nanoTime();
                BatchResult r = remote.solve(req);
                long t2 = System.nanoTime();
                for (int q = 0; q < l.size(); q++) {
                    if (l.get(q).bestEnergy() != r.get(q).bestEnergy()) {
                        throw new IllegalStateException("remote and local results differ");
                    }
                }
                if (k >= 0) {
                    tl[k] = (t1 - t0) * 1e-6;
                    tr[k] = (t2 - t1) * 1e-6;
                    diff[k] = tr[k] - tl[k];
                    transfer[k] = r.timing().get(BatchResult.TRANSFER_SECONDS) * 1e3;
                    queue[k] = r.timing().get(BatchResult.QUEUE_SECONDS) * 1e3;
                }
            }
            out.printf(
                    Locale.ROOT,
                    "solver %s, %d batches of %d problems x %d variables (after %d warm-up)%n",
                    solver,
                    batches,
                    batch,
                    n,
                    warmup);
            out.printf(Locale.ROOT, "local  median %.3f ms/batch%n", Stats.median(tl));
            out.printf(
                    Locale.ROOT,
                    "remote median %.3f ms/batch (loopback %s)%n",
                    Stats.median(tr),
                    server.uri());
            out.printf(
                    Locale.ROOT,
                    "overhead median %.3f ms/batch (transfer %.3f ms, server queue %.3f ms)%n",
                    Stats.median(diff),
                    Stats.median(transfer),
                    Stats.median(queue));
        } finally {
            server.stop(java.time.Duration.ZERO);
        }
        return Main.EXIT_OK;
    }
}
