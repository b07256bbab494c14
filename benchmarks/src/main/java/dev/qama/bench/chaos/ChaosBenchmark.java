package dev.qama.bench.chaos;

import dev.qama.bench.AttentionWorkload;
import dev.qama.bench.Stats;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Fault injection against real {@code qama serve} processes on loopback: starts S servers (child
 * JVMs), lets C client threads share one {@link RemoteAnnealerBackend} and solve K batches each of
 * seeded attention problems whose answers were computed locally beforehand, and meanwhile kills one
 * server (SIGKILL), stops another gracefully (SIGTERM) and freezes a third (SIGSTOP, then SIGCONT).
 *
 * <p>Every batch has an id (client · K + k) and its own seed, so every batch is a different job. A
 * returned batch is <em>wrong</em> when a problem's status is not COMPLETED or CONVERGED, its best
 * state's energy (recomputed here) differs from the reported one, or its best energy differs from
 * the known answer (the same solver run locally on the same request: the optimum for {@code
 * exact}); a batch id answered twice is <em>duplicated</em>; a submitted batch without an answer
 * (an error, or unfinished at the time limit) is <em>lost</em>. Submitted = completed + lost.
 *
 * <p>Bounded: servers must listen within {@link Options#startTimeout}, the load stops at {@link
 * Options#timeLimit} (running batches are interrupted and count as lost), and every server is
 * stopped at the end, also on failure or when the JVM exits (a shutdown hook kills them).
 */
public final class ChaosBenchmark {
    private ChaosBenchmark() {}

    /** Tolerance of energy comparisons: 1e-6·max(1, |E|). */
    static final double ENERGY_TOLERANCE = 1e-6;

    /** What to run; validated by {@link #run}. */
    public static final class Options {
        /** Number of {@code qama serve} processes. */
        public int servers = 3;

        /** {@code --workers} of each server. */
        public int workers = 1;

        /** The backend the servers run (and that computes the known answers locally). */
        public String solver = "exact";

        /** Client threads. */
        public int clients = 16;

        /** Batches per client. */
        public int batches = 25;

        /** Attention problems per batch. */
        public int batch = 4;

        /** Heads H of each problem. */
        public int heads = 2;

        /** Tokens N of each problem (H·N spins with one bit per token). */
        public int tokens = 8;

        /** Head width d of the workload. */
        public int dim = 4;

        /** Batches each server solves before the load (not counted), to warm its JIT up. */
        public int warmup = 10;

        /** Root seed of problems, solver seeds and the client's jitter. */
        public long seed = 1;

        /** When to SIGKILL a server (from the start of the load), or null. */
        public Duration killAfter;

        /** When to SIGTERM a server, or null. */
        public Duration stopAfter;

        /** When to SIGSTOP a server, or null. */
        public Duration freezeAfter;

        /** How long a frozen server stays frozen before SIGCONT. */
        public Duration freezeFor = Duration.ofSeconds(5);

        /** The client's {@code request-timeout}. */
        public Duration requestTimeout = Duration.ofSeconds(30);

        /** The client's {@code circuit-breaker} (zero: off). */
        public Duration circuitBreaker = Duration.ofSeconds(10);

        /** The client's {@code hedge-after}, or null (off). */
        public Duration hedgeAfter;

        /** Bound of the whole load; also the client's batch deadline. */
        public Duration timeLimit = Duration.ofMinutes(5);

        /** How long each server may take to start listening. */
        public Duration startTimeout = Duration.ofMinutes(2);

        /** Maximum heap of each server JVM. */
        public String serverHeap = "256m";

        /** The main class whose {@code serve} subcommand runs a server. */
        public String mainClass = "dev.qama.cli.Main";
    }

    /** A fault as it was injected: at and until (seconds from the start of the load). */
    public record Fault(
            String kind,
            int server,
            URI endpoint,
            long pid,
            double atSeconds,
            double untilSeconds) {
        /** E.g. "SIGKILL of server 0 (http://127.0.0.1:41773, pid 3255) at 5.01 s". */
        public String describe() {
            String what =
                    switch (kind) {
                        case "kill" -> "SIGKILL";
                        case "stop" -> "SIGTERM (graceful stop)";
                        default -> "SIGSTOP";
                    };
            return String.format(
                    Locale.ROOT,
                    "%s of server %d (%s, pid %d) at %s s%s",
                    what,
                    server,
                    endpoint,
                    pid,
                    format(atSeconds),
                    kind.equals("freeze") ? ", SIGCONT at " + format(untilSeconds) + " s" : "");
        }
    }

    /**
     * What happened: counts (submitted = completed + lost), latencies of completed batches in ms,
     * the faults injected, which endpoint served how many batches, the first error messages; the
     * process ids of the servers (all stopped when {@link #run} returns).
     */
    public record Report(
            int servers,
            List<Long> serverPids,
            int clients,
            int batchesPerClient,
            int problemsPerBatch,
            int spins,
            String solver,
            int planned,
            int submitted,
            int completed,
            int lost,
            int duplicated,
            int wrong,
            int retried,
            double p50Ms,
            double p90Ms,
            double p99Ms,
            double maxMs,
            double wallSeconds,
            boolean timedOut,
            List<Fault> faults,
            List<String> faultsMissed,
            Map<String, Integer> servedBy,
            List<String> errors) {
        /** True when no batch was lost, duplicated or wrong. */
        public boolean clean() {
            return lost == 0 && duplicated == 0 && wrong == 0;
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void validate(Options o) {
        check(o.servers >= 1, "--servers must be >= 1, got " + o.servers);
        check(o.workers >= 1, "--workers must be >= 1, got " + o.workers);
        check(o.clients >= 1, "--clients must be >= 1, got " + o.clients);
        check(o.batches >= 1, "--batches must be >= 1, got " + o.batches);
        check(o.batch >= 1, "--batch must be >= 1, got " + o.batch);
        check(o.warmup >= 0, "--warmup must be >= 0, got " + o.warmup);
        check(
                (long) o.clients * o.batches <= 1_000_000,
                "--clients × --batches must be at most 1000000, got "
                        + (long) o.clients * o.batches);
        int faults =
                (o.killAfter != null ? 1 : 0)
                        + (o.stopAfter != null ? 1 : 0)
                        + (o.freezeAfter != null ? 1 : 0);
        check(
                faults < o.servers,
                "each fault needs its own server and one must stay healthy: "
                        + faults
                        + " fault(s) need --servers >= "
                        + (faults + 1)
                        + ", got "
                        + o.servers);
        for (Duration d : new Duration[] {o.killAfter, o.stopAfter, o.freezeAfter}) {
            check(d == null || !d.isNegative(), "fault times must be >= 0, got " + d);
        }
        check(
                o.freezeFor != null && !o.freezeFor.isNegative() && !o.freezeFor.isZero(),
                "--freeze-for must be positive, got " + o.freezeFor);
        check(
                o.timeLimit != null && !o.timeLimit.isNegative() && !o.timeLimit.isZero(),
                "--time-limit must be positive, got " + o.timeLimit);
    }

    /** The problems of batch {@code id}. */
    static SolveRequest request(Options o, int id) {
        AttentionWorkload.Spec spec =
                new AttentionWorkload.Spec(
                        "paper-v1", o.batch, o.heads, o.tokens, o.dim, 1, CouplingForm.DENSE);
        long s = Seeds.forStream(o.seed, id);
        List<AttentionProblem> ps = AttentionWorkload.problems(spec, s);
        return SolveRequest.builder(ps).seed(s).build();
    }

    /** Null if the result answers the request with the known energies, else why not. */
    static String verify(SolveRequest req, BatchResult r, double[] expected) {
        if (r.size() != req.problems().size()) {
            return r.size() + " results for " + req.problems().size() + " problems";
        }
        for (int q = 0; q < r.size(); q++) {
            SolveResult res = r.get(q);
            double e = res.bestEnergy();
            double tol = ENERGY_TOLERANCE * Math.max(1, Math.abs(expected[q]));
            if (res.status() != SolveStatus.COMPLETED && res.status() != SolveStatus.CONVERGED) {
                return "problem " + q + ": status " + res.status();
            }
            double recomputed = req.problems().get(q).energy(res.best());
            if (Math.abs(recomputed - e) > tol) {
                return "problem " + q + ": reported energy " + e + ", its state has " + recomputed;
            }
            if (Math.abs(e - expected[q]) > tol) {
                return "problem " + q + ": energy " + e + ", known answer " + expected[q];
            }
        }
        return null;
    }

    /**
     * Runs the benchmark. Progress goes to {@code log}. Throws {@link IllegalArgumentException} for
     * bad options and {@link IOException} when a server cannot be started.
     */
    public static Report run(Options o, PrintWriter log) throws IOException, InterruptedException {
        validate(o);
        int total = o.clients * o.batches;
        SolveRequest[] requests = new SolveRequest[total];
        double[][] expected = new double[total][];
        log.printf(
                Locale.ROOT,
                "chaos: computing %d known answers locally with %s ...%n",
                total,
                o.solver);
        try (AnnealerBackend local = Annealers.create(o.solver)) {
            for (int id = 0; id < total; id++) {
                requests[id] = request(o, id);
                BatchResult r = local.solve(requests[id]);
                expected[id] = new double[r.size()];
                for (int q = 0; q < r.size(); q++) {
                    expected[id][q] = r.get(q).bestEnergy();
                }
            }
        }
        List<ServerProcess> procs = Collections.synchronizedList(new ArrayList<>());
        Thread hook =
                new Thread(
                        () -> {
                            synchronized (procs) {
                                procs.forEach(ServerProcess::destroyNow);
                            }
                        },
                        "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService injector =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "chaos-injector");
                            t.setDaemon(true);
                            return t;
                        });
        ExecutorService clients = Executors.newFixedThreadPool(o.clients);
        try {
            List<String> serveArgs =
                    List.of("--solver", o.solver, "--workers", Integer.toString(o.workers));
            for (int i = 0; i < o.servers; i++) {
                procs.add(ServerProcess.start(i, o.serverHeap, o.mainClass, serveArgs));
            }
            List<URI> uris = new ArrayList<>();
            for (ServerProcess p : procs) {
                uris.add(p.awaitUri(o.startTimeout));
            }
            log.println("chaos: servers listening on " + uris);
            if (o.warmup > 0) {
                log.printf(
                        Locale.ROOT, "chaos: warming up each server with %d batches%n", o.warmup);
                for (URI u : uris) {
                    try (RemoteAnnealerBackend one =
                            RemoteAnnealerBackend.builder(List.of(u)).build()) {
                        for (int i = 0; i < o.warmup; i++) {
                            // ids beyond the load's: different jobs, never answered from a cache
                            one.solve(request(o, total + i));
                        }
                    }
                }
            }
            List<Long> pids = new ArrayList<>();
            for (ServerProcess p : procs) {
                pids.add(p.pid());
            }
            return load(o, requests, expected, procs, uris, pids, injector, clients, log);
        } finally {
            clients.shutdownNow();
            injector.shutdownNow();
            injector.awaitTermination(30, TimeUnit.SECONDS);
            synchronized (procs) {
                for (ServerProcess p : procs) {
                    p.stop(Duration.ofSeconds(10));
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already exiting: the hook runs anyway
            }
        }
    }

    private static Report load(
            Options o,
            SolveRequest[] requests,
            double[][] expected,
            List<ServerProcess> procs,
            List<URI> uris,
            List<Long> pids,
            ScheduledExecutorService injector,
            ExecutorService clients,
            PrintWriter log)
            throws InterruptedException {
        int total = requests.length;
        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger duplicated = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        AtomicIntegerArray answers = new AtomicIntegerArray(total);
        double[] latencyMs = new double[total];
        AtomicBoolean stopping = new AtomicBoolean();
        Map<String, Integer> servedBy = new LinkedHashMap<>();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<Fault> faults = Collections.synchronizedList(new ArrayList<>());
        RemoteAnnealerBackend.Builder rb =
                RemoteAnnealerBackend.builder(uris)
                        .requestTimeout(o.requestTimeout)
                        .circuitBreaker(o.circuitBreaker)
                        .hedgeAfter(o.hedgeAfter)
                        .deadline(o.timeLimit)
                        .jitterSeed(o.seed);
        try (RemoteAnnealerBackend remote = rb.build()) {
            long t0 = System.nanoTime();
            int next = 0;
            scheduleFault(injector, "kill", o.killAfter, null, next, procs, uris, t0, faults, log);
            next += o.killAfter != null ? 1 : 0;
            scheduleFault(injector, "stop", o.stopAfter, null, next, procs, uris, t0, faults, log);
            next += o.stopAfter != null ? 1 : 0;
            scheduleFault(
                    injector,
                    "freeze",
                    o.freezeAfter,
                    o.freezeFor,
                    next,
                    procs,
                    uris,
                    t0,
                    faults,
                    log);
            for (int c = 0; c < o.clients; c++) {
                int client = c;
                clients.execute(
                        () -> {
                            for (int k = 0; k < o.batches && !stopping.get(); k++) {
                                int id = client * o.batches + k;
                                submitted.incrementAndGet();
                                long s = System.nanoTime();
                                BatchResult r;
                                try {
                                    r = remote.solve(requests[id]);
                                } catch (RuntimeException e) {
                                    if (!stopping.get()) {
                                        errors.add("batch " + id + ": " + e.getMessage());
                                    }
                                    continue;
                                }
                                if (stopping.get()) {
                                    return; // interrupted at the time limit: not an answer
                                }
                                if (answers.getAndIncrement(id) > 0) {
                                    duplicated.incrementAndGet();
                                    continue;
                                }
                                latencyMs[id] = (System.nanoTime() - s) * 1e-6;
                                String bad = verify(requests[id], r, expected[id]);
                                if (bad != null) {
                                    wrong.incrementAndGet();
                                    errors.add("batch " + id + " wrong: " + bad);
                                }
                                Double attempts = r.timing().get("attempts");
                                if (attempts != null && attempts > 1) {
                                    retried.incrementAndGet();
                                }
                                synchronized (servedBy) {
                                    servedBy.merge(r.backend(), 1, Integer::sum);
                                }
                            }
                        });
            }
            clients.shutdown();
            boolean finished =
                    clients.awaitTermination(o.timeLimit.toNanos(), TimeUnit.NANOSECONDS);
            if (!finished) {
                stopping.set(true);
                clients.shutdownNow();
                clients.awaitTermination(60, TimeUnit.SECONDS);
                log.println("chaos: time limit " + o.timeLimit + " reached; the load was stopped");
            }
            double wall = (System.nanoTime() - t0) * 1e-9;
            List<String> missed = new ArrayList<>();
            synchronized (faults) {
                for (String kind : new String[] {"kill", "stop", "freeze"}) {
                    Duration at =
                            switch (kind) {
                                case "kill" -> o.killAfter;
                                case "stop" -> o.stopAfter;
                                default -> o.freezeAfter;
                            };
                    boolean done = faults.stream().anyMatch(f -> f.kind().equals(kind));
                    if (at != null && (!done || at.toNanos() * 1e-9 > wall)) {
                        missed.add(kind + " at " + format(at.toNanos() * 1e-9) + " s");
                    }
                }
            }
            int completed = 0;
            List<Double> lat = new ArrayList<>();
            for (int id = 0; id < total; id++) {
                if (answers.get(id) > 0) {
                    completed++;
                    lat.add(latencyMs[id]);
                }
            }
            double[] l = lat.stream().mapToDouble(Double::doubleValue).toArray();
            List<String> firstErrors;
            synchronized (errors) {
                firstErrors = new ArrayList<>(errors.subList(0, Math.min(errors.size(), 10)));
            }
            return new Report(
                    o.servers,
                    List.copyOf(pids),
                    o.clients,
                    o.batches,
                    o.batch,
                    o.heads * o.tokens,
                    o.solver,
                    total,
                    submitted.get(),
                    completed,
                    submitted.get() - completed,
                    duplicated.get(),
                    wrong.get(),
                    retried.get(),
                    Stats.quantile(l, 0.5),
                    Stats.quantile(l, 0.9),
                    Stats.quantile(l, 0.99),
                    Stats.quantile(l, 1.0),
                    wall,
                    !finished,
                    List.copyOf(faults),
                    missed,
                    Collections.unmodifiableMap(new java.util.TreeMap<>(servedBy)),
                    firstErrors);
        }
    }

    private static void scheduleFault(
            ScheduledExecutorService injector,
            String kind,
            Duration at,
            Duration freezeFor,
            int server,
            List<ServerProcess> procs,
            List<URI> uris,
            long t0,
            List<Fault> faults,
            PrintWriter log) {
        if (at == null) {
            return;
        }
        ServerProcess p = procs.get(server);
        long delay = at.toNanos() - (System.nanoTime() - t0);
        injector.schedule(
                () -> {
                    double t = (System.nanoTime() - t0) * 1e-9;
                    try {
                        switch (kind) {
                            case "kill" -> p.kill();
                            case "stop" -> p.terminate();
                            default -> {
                                p.freeze();
                                injector.schedule(
                                        () -> {
                                            try {
                                                p.thaw();
                                                log.printf(
                                                        Locale.ROOT,
                                                        "chaos: SIGCONT server %d at %s s%n",
                                                        server,
                                                        format((System.nanoTime() - t0) * 1e-9));
                                            } catch (IOException e) {
                                                log.println("chaos: " + e.getMessage());
                                            } catch (InterruptedException e) {
                                                Thread.currentThread().interrupt();
                                            }
                                        },
                                        freezeFor.toNanos(),
                                        TimeUnit.NANOSECONDS);
                            }
                        }
                        double until = freezeFor == null ? t : t + freezeFor.toNanos() * 1e-9;
                        Fault f = new Fault(kind, server, uris.get(server), p.pid(), t, until);
                        faults.add(f);
                        log.println("chaos: " + f.describe());
                    } catch (IOException e) {
                        log.println("chaos: " + kind + " failed: " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                Math.max(0, delay),
                TimeUnit.NANOSECONDS);
    }

    static String format(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }
}
