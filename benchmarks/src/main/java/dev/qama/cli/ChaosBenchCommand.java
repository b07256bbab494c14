package dev.qama.cli;

import dev.qama.bench.chaos.ChaosBenchmark;
import dev.qama.core.spi.Annealers;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qama bench chaos}: fault injection against real {@code qama serve} processes on loopback
 * ({@link ChaosBenchmark}). Exit code 0 when no batch was lost, duplicated or wrong, 1 otherwise.
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Starts --servers 'qama serve' child JVMs on 127.0.0.1, has --clients threads share one"
                    + " remote backend and solve --batches batches each of seeded attention"
                    + " problems with answers known beforehand, and meanwhile kills (SIGKILL),"
                    + " stops (SIGTERM) or freezes (SIGSTOP, then SIGCONT) one server each."
                    + " Prints submitted / completed / lost / duplicated / wrong batches and"
                    + " latency quantiles; exits 1 if any batch was lost, duplicated or wrong.",
            "Every server is stopped at the end, also on failure or Ctrl-C."
        },
        footer = {
            "",
            "Examples:",
            "  qama bench chaos --servers 3 --clients 16 --batches 25 --kill-after 2s",
            "  qama bench chaos --servers 3 --freeze-after 2s --freeze-for 5s --hedge-after 500ms"
        })
public final class ChaosBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--servers",
            paramLabel = "S",
            description = "qama serve processes (default ${DEFAULT-VALUE}).")
    int servers = 3;

    @Option(
            names = "--workers",
            paramLabel = "W",
            description = "--workers of each server (default ${DEFAULT-VALUE}).")
    int workers = 1;

    @Option(
            names = "--solver",
            paramLabel = "NAME",
            description =
                    "Backend of the servers; the known answers come from the same backend run"
                            + " locally (default ${DEFAULT-VALUE}).")
    String solver = "exact";

    @Option(
            names = "--clients",
            paramLabel = "C",
            description = "Client threads (default ${DEFAULT-VALUE}).")
    int clients = 16;

    @Option(
            names = "--batches",
            paramLabel = "K",
            description = "Batches per client (default ${DEFAULT-VALUE}).")
    int batches = 25;

    @Option(
            names = "--batch",
            paramLabel = "B",
            description = "Attention problems per batch (default ${DEFAULT-VALUE}).")
    int batch = 4;

    @Option(
            names = "--heads",
            paramLabel = "H",
            description = "Heads per problem (default ${DEFAULT-VALUE}).")
    int heads = 2;

    @Option(
            names = "--tokens",
            paramLabel = "N",
            description =
                    "Tokens per problem; H·N spins (one bit per token; default ${DEFAULT-VALUE}).")
    int tokens = 8;

    @Option(
            names = "--warmup",
            paramLabel = "W",
            description =
                    "Batches each server solves before the load, not counted (default"
                            + " ${DEFAULT-VALUE}).")
    int warmup = 10;

    @Option(
            names = "--kill-after",
            paramLabel = "D",
            converter = BenchCommand.WarmupTime.class,
            description = "SIGKILL the first server D after the load starts.")
    Duration killAfter;

    @Option(
            names = "--stop-after",
            paramLabel = "D",
            converter = BenchCommand.WarmupTime.class,
            description = "SIGTERM (graceful stop) the next server D after the load starts.")
    Duration stopAfter;

    @Option(
            names = "--freeze-after",
            paramLabel = "D",
            converter = BenchCommand.WarmupTime.class,
            description = "SIGSTOP the next server D after the load starts.")
    Duration freezeAfter;

    @Option(
            names = "--freeze-for",
            paramLabel = "D",
            converter = Durations.class,
            description = "Then SIGCONT it after this long (default 5s).")
    Duration freezeFor = Duration.ofSeconds(5);

    @Option(
            names = "--request-timeout",
            paramLabel = "D",
            converter = Durations.class,
            description = "The client's request-timeout (default 30s).")
    Duration requestTimeout = Duration.ofSeconds(30);

    @Option(
            names = "--circuit-breaker",
            paramLabel = "D",
            converter = BenchCommand.WarmupTime.class,
            description = "The client's circuit-breaker; 0 = off (default 10s).")
    Duration circuitBreaker = Duration.ofSeconds(10);

    @Option(
            names = "--hedge-after",
            paramLabel = "D",
            converter = Durations.class,
            description = "The client's hedge-after (default: off).")
    Duration hedgeAfter;

    @Option(
            names = "--time-limit",
            paramLabel = "D",
            converter = Durations.class,
            description =
                    "Bound of the load (also each batch's deadline); unfinished batches are lost"
                            + " (default 5m).")
    Duration timeLimit = Duration.ofMinutes(5);

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "Seed of problems and client (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (heads < 1 || tokens < 1) {
            throw new UserException(
                    "--heads and --tokens must be >= 1, got " + heads + " and " + tokens);
        }
        try {
            Annealers.provider(solver); // a typo fails here, not in every server
        } catch (IllegalArgumentException e) {
            throw new UserException("--solver: " + e.getMessage(), e);
        }
        ChaosBenchmark.Options o = new ChaosBenchmark.Options();
        o.servers = servers;
        o.workers = workers;
        o.solver = solver;
        o.clients = clients;
        o.batches = batches;
        o.batch = batch;
        o.heads = heads;
        o.tokens = tokens;
        o.seed = seed;
        o.warmup = warmup;
        o.killAfter = killAfter;
        o.stopAfter = stopAfter;
        o.freezeAfter = freezeAfter;
        o.freezeFor = freezeFor;
        o.requestTimeout = requestTimeout;
        o.circuitBreaker = circuitBreaker;
        o.hedgeAfter = hedgeAfter;
        o.timeLimit = timeLimit;
        o.mainClass = Main.class.getName();
        PrintWriter err = new PrintWriter(spec.commandLine().getErr(), true);
        ChaosBenchmark.Report r;
        try {
            r = ChaosBenchmark.run(o, err);
        } catch (IOException e) {
            throw new UserException("bench chaos: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? toJson(r) : text(r));
        out.flush();
        for (String m : r.faultsMissed()) {
            err.println("qama: bench chaos: fault " + m + " came after the load ended");
        }
        for (String e : r.errors()) {
            err.println("qama: bench chaos: " + e);
        }
        if (!r.clean()) {
            err.printf(
                    Locale.ROOT,
                    "qama: bench chaos: %d lost, %d duplicated, %d wrong%n",
                    r.lost(),
                    r.duplicated(),
                    r.wrong());
            return Main.EXIT_FAILURE;
        }
        return Main.EXIT_OK;
    }

    static String text(ChaosBenchmark.Report r) {
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        Locale.ROOT,
                        "%d servers (%s), %d clients x %d batches of %d attention problems (%d"
                                + " spins)%n",
                        r.servers(),
                        r.solver(),
                        r.clients(),
                        r.batchesPerClient(),
                        r.problemsPerBatch(),
                        r.spins()));
        for (ChaosBenchmark.Fault f : r.faults()) {
            b.append("fault: ").append(f.describe()).append(System.lineSeparator());
        }
        b.append(
                String.format(
                        Locale.ROOT,
                        "submitted %d  completed %d  lost %d  duplicated %d  wrong %d  (retried %d)%n",
                        r.submitted(),
                        r.completed(),
                        r.lost(),
                        r.duplicated(),
                        r.wrong(),
                        r.retried()));
        b.append(
                String.format(
                        Locale.ROOT,
                        "latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
                        r.p50Ms(),
                        r.p90Ms(),
                        r.p99Ms(),
                        r.maxMs()));
        b.append(
                String.format(
                        Locale.ROOT,
                        "wall %.2f s%s; served by",
                        r.wallSeconds(),
                        r.timedOut() ? " (time limit reached)" : ""));
        for (Map.Entry<String, Integer> e : r.servedBy().entrySet()) {
            b.append(' ').append(e.getKey()).append(' ').append(e.getValue());
        }
        return b.toString();
    }

    static String toJson(ChaosBenchmark.Report r) {
        List<Object> faults = new ArrayList<>();
        for (ChaosBenchmark.Fault f : r.faults()) {
            faults.add(
                    new Json()
                            .put("kind", f.kind())
                            .put("server", f.server())
                            .put("endpoint", f.endpoint().toString())
                            .put("pid", f.pid())
                            .put("at_seconds", f.atSeconds())
                            .put("until_seconds", f.untilSeconds()));
        }
        Json served = new Json();
        for (Map.Entry<String, Integer> e : r.servedBy().entrySet()) {
            served.put(e.getKey(), e.getValue());
        }
        return new Json()
                .put("benchmark", "chaos")
                .put("servers", r.servers())
                .put("server_pids", r.serverPids())
                .put("solver", r.solver())
                .put("clients", r.clients())
                .put("batches_per_client", r.batchesPerClient())
                .put("problems_per_batch", r.problemsPerBatch())
                .put("spins", r.spins())
                .put("planned", r.planned())
                .put("submitted", r.submitted())
                .put("completed", r.completed())
                .put("lost", r.lost())
                .put("duplicated", r.duplicated())
                .put("wrong", r.wrong())
                .put("retried", r.retried())
                .put("p50_ms", r.p50Ms())
                .put("p90_ms", r.p90Ms())
                .put("p99_ms", r.p99Ms())
                .put("max_ms", r.maxMs())
                .put("wall_seconds", r.wallSeconds())
                .put("time_limit_reached", r.timedOut())
                .put("faults", faults)
                .put("faults_missed", r.faultsMissed())
                .put("served_by", served)
                .put("errors", r.errors())
                .toString();
    }
}
