package dev.qama.cli;

import dev.qama.bench.SolverSpec;
import dev.qama.cli.InputFormat.LoadedInstance;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qama solve}: reads one problem file, solves it with an annealer backend and reports the
 * best energy (and, for Max-Cut inputs, the cut). With {@code --json} it prints exactly one JSON
 * object on stdout:
 *
 * <pre>
 * {"instance":"G14","format":"gset","n":800,"solver":"sb","energy":-1428,"cut":3061,
 *  "seconds":0.41,"seed":0,"reads":1,"status":"COMPLETED"}
 * </pre>
 *
 * {@code energy} is the model's energy of the best state (recomputed from the model, see {@link
 * SolveResult}); {@code cut} appears for {@code gset} inputs only; {@code seconds} is the
 * wall-clock time of the backend call; {@code state} (with {@code --state}) is the best state as an
 * array of −1/+1 (Max-Cut, Ising) or 0/1 (QUBO) values.
 */
@Command(
        name = "solve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Solves one problem file with an annealer backend and prints the best energy.",
            "Formats: gset (Max-Cut, minimises sum w_ij s_i s_j and reports the cut),"
                    + " biqmac (min x'Qx, Q symmetric), qubo (see docs/formats.md)."
        },
        footer = {
            "",
            "Examples:",
            "  qama solve -i G14.txt -f gset -s sb --seed 1 --time-limit 2s --json",
            "  qama solve --list-solvers"
        })
public final class SolveCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = {"-i", "--input"},
            paramLabel = "FILE",
            description = "The problem file.")
    Path input;

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            converter = InputFormat.Converter.class,
            description = "The file format: gset, biqmac or qubo.")
    InputFormat format;

    @Option(
            names = {"-s", "--solver"},
            paramLabel = "NAME[:k=v,...]",
            description =
                    "The annealer backend (see --list-solvers), optionally with options as in"
                            + " qama bench (sa:sweeps=20000); default: the system property"
                            + " qama.backend, the variable QAMA_BACKEND, else the highest-ranked.")
    String solver;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "The random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--reads",
            paramLabel = "R",
            defaultValue = "1",
            description = "Independent reads; the best is reported (default: ${DEFAULT-VALUE}).")
    int reads;

    @Option(
            names = "--time-limit",
            paramLabel = "DURATION",
            converter = Durations.class,
            description = "Wall-clock limit, e.g. 500ms, 2s, 1m (default: none).")
    Duration timeLimit;

    @Option(
            names = {"-o", "--option"},
            paramLabel = "KEY=VALUE",
            description = "A backend option (repeatable); the backend rejects unknown keys.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(
            names = "--threads",
            paramLabel = "T",
            description = "Worker threads, passed to the backend as the option threads=T.")
    Integer threads;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout.")
    boolean json;

    @Option(names = "--state", description = "Include the best state in the output.")
    boolean printState;

    @Option(names = "--list-solvers", description = "List the available backends and exit.")
    boolean listSolvers;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (listSolvers) {
            return SolversCommand.list(spec.commandLine());
        }
        if (input == null) {
            throw new UserException("solve: missing --input FILE (see 'qama solve --help')");
        }
        if (format == null) {
            throw new UserException(
                    "solve: missing --format "
                            + InputFormat.names().replace(", ", "|").replace(" or ", "|")
                            + " for "
                            + input);
        }
        if (reads < 1) {
            throw new UserException("--reads must be at least 1, got " + reads);
        }
        if (threads != null && threads < 1) {
            throw new UserException("--threads must be at least 1, got " + threads);
        }
        LoadedInstance instance = format.load(input);
        String name = solverName();
        Map<String, String> opts = new LinkedHashMap<>();
        if (name.indexOf(':') >= 0) {
            // NAME:key=value,... as in qama bench; -o adds to it
            SolverSpec spec;
            try {
                spec = SolverSpec.parse(name);
            } catch (IllegalArgumentException e) {
                throw new UserException("--solver " + name + ": " + e.getMessage(), e);
            }
            name = spec.name();
            opts.putAll(spec.options().asMap());
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            String before = opts.put(o.getKey(), o.getValue());
            if (before != null && !before.equals(o.getValue())) {
                throw new UserException(
                        "option "
                                + o.getKey()
                                + " given twice: "
                                + before
                                + " in --solver, "
                                + o.getValue()
                                + " with -o");
            }
        }
        if (threads != null) {
            opts.put("threads", threads.toString());
        }
        BackendOptions backendOptions = BackendOptions.of(opts);
        SolveRequest request =
                SolveRequest.builder(List.of(instance.model()))
                        .seed(seed)
                        .reads(reads)
                        .timeLimit(timeLimit)
                        .build();
        BatchResult batch;
        double seconds;
        String backendName;
        try (AnnealerBackend backend = Annealers.create(name, backendOptions)) {
            backendName = backend.name();
            long t0 = System.nanoTime();
            batch = backend.solve(request);
            seconds = (System.nanoTime() - t0) * 1e-9;
        }
        SolveResult result = batch.get(0);
        byte[] best = result.best();
        Double cut = instance.maxCut() == null ? null : instance.maxCut().cut(best);
        if (json) {
            Json j =
                    new Json()
                            .put("instance", instance.name())
                            .put("format", instance.format().cliName())
                            .put("n", instance.model().numVariables())
                            .put("solver", backendName)
                            .put("energy", result.bestEnergy());
            if (cut != null) {
                j.put("cut", cut);
            }
            j.put("seconds", seconds)
                    .put("seed", seed)
                    .put("reads", reads)
                    .put("status", result.status().name());
            if (printState) {
                j.put("state", best);
            }
            out.println(j);
        } else {
            out.printf(
                    Locale.ROOT,
                    "%s (%s, %d variables) solved by %s in %.3f s, %s%n",
                    instance.name(),
                    instance.format().cliName(),
                    instance.model().numVariables(),
                    backendName,
                    seconds,
                    result.status().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            out.println("  energy  " + Json.number(result.bestEnergy()));
            if (cut != null) {
                out.println("  cut     " + Json.number(cut));
            }
            out.println("  seed    " + seed + ", reads " + reads);
            if (printState) {
                StringBuilder sb = new StringBuilder("  state  ");
                for (byte b : best) {
                    sb.append(' ').append(b);
                }
                out.println(sb);
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private String solverName() {
        if (solver != null) {
            return solver;
        }
        try {
            return Annealers.defaultName();
        } catch (IllegalStateException e) {
            throw new UserException(e.getMessage(), e);
        }
    }
}
