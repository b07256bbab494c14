package dev.qama.cli;

import dev.qama.core.io.IoErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Holder of {@code qama bench jmh} and {@code qama bench block} (registered in {@link
 * BenchCommand}): the JMH benchmarks of {@code dev.qama.bench.jmh} run from the module's class
 * path, with JMH's own command line (the same as {@code java -jar benchmarks-jmh.jar}).
 */
final class JmhBenchCommand {
    private JmhBenchCommand() {}

    /** The benchmark class {@code qama bench block} runs. */
    static final String BLOCK_BENCHMARK = "dev.qama.bench.jmh.AttentionBlockBenchmark";

    /** {@code qama bench jmh [PATTERN...] [JMH options]}: any of our JMH benchmarks. */
    @Command(
            name = "jmh",
            mixinStandardHelpOptions = true,
            customSynopsis = "qama bench jmh [PATTERN...] [JMH-OPTION...]",
            description = {
                "Runs the JMH benchmarks of dev.qama.bench.jmh whose names match the patterns"
                        + " (regular expressions; all when none is given), with JMH's options."
                        + " Forked JVMs inherit the offline DJL settings of this launcher."
            },
            footer = {
                "",
                "JMH's options: qama bench jmh -- -h; the benchmarks: qama bench jmh -l.",
                "Examples:",
                "  qama bench jmh RooflineBenchmark",
                "  qama bench jmh 'AttentionBlockBenchmark.forward$' -p config=128x49x64x8 -prof gc"
            })
    static final class Jmh implements Callable<Integer> {
        @Spec CommandSpec spec;

        /** Benchmark patterns and JMH options, in their order. */
        @Unmatched List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return runJmh(spec, args);
        }
    }

    /** {@code qama bench block [JMH options]}: QAMA's attention block against DJL's. */
    @Command(
            name = "block",
            mixinStandardHelpOptions = true,
            customSynopsis = {
                "qama bench block [JMH-OPTION...]",
                "qama bench block --paired [OPTION...]   (= qama bench block-pair)"
            },
            description = {
                "The JMH comparison of QamaAttentionBlock (paper-v2, the sb backend) with DJL's"
                        + " ScaledDotProductAttentionBlock, forward and forward + backward"
                        + " (AttentionBlockBenchmark): ms per pass, and the share of a QAMA pass"
                        + " spent in the solver (the solverPercent and solverMs rows). Arguments"
                        + " are JMH options; select sizes and blocks with -p."
            },
            footer = {
                "",
                "Parameters: -p config=128x49x64x8,32x64x128x8,8x256x128x8 (B x N x E x H),",
                "  -p block=classical,values,selected-keys,paper, -p backend=sb,",
                "  -p coupling=auto,dense,low-rank (QAMA's coupling form; default auto).",
                "--paired: both blocks in one JVM, passes alternating (robust to the machine's",
                "  speed drifting between forks); its options: qama bench block-pair --help.",
                "Examples:",
                "  qama bench block -wi 3 -i 5 -f 1",
                "  qama bench block -p config=128x49x64x8 -p block=classical,values -prof gc"
            })
    static final class Block implements Callable<Integer> {
        @Spec CommandSpec spec;

        /** JMH options, in their order. */
        @Unmatched List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            if (!args.isEmpty() && args.get(0).equals("--paired")) {
                picocli.CommandLine pair =
                        spec.parent().commandLine().getSubcommands().get("block-pair");
                return pair.execute(args.subList(1, args.size()).toArray(new String[0]));
            }
            List<String> all = new ArrayList<>();
            all.add(BLOCK_BENCHMARK.replace(".", "\\.") + "\\.");
            all.addAll(args);
            return runJmh(spec, all);
        }
    }

    /** Parses JMH's command line and runs it as JMH's own main would, without exiting. */
    static int runJmh(CommandSpec spec, List<String> args) {
        String name = spec.qualifiedName().replaceFirst("^qama ", "");
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            throw new UserException(name + ": " + Main.oneLine(e.getMessage()), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintStream stream = printStreamOf(out);
        OutputFormat format =
                OutputFormatFactory.createFormatInstance(
                        stream, options.verbosity().orElse(VerboseMode.NORMAL));
        Runner runner = new Runner(options, format);
        try {
            if (options.shouldHelp()) {
                PrintStream saved = System.out;
                System.setOut(stream);
                try {
                    options.showHelp();
                } finally {
                    System.setOut(saved);
                }
            } else if (options.shouldList()) {
                runner.list();
            } else if (options.shouldListWithParams()) {
                runner.listWithParams(options);
            } else if (options.shouldListProfilers()) {
                options.listProfilers();
            } else if (options.shouldListResultFormats()) {
                options.listResultFormats();
            } else {
                if (org.openjdk.jmh.runner.BenchmarkList.defaultList()
                        .find(format, options.getIncludes(), options.getExcludes())
                        .isEmpty()) {
                    // before JMH's run prints its lock warning on stdout
                    throw new NoBenchmarksException();
                }
                java.util.Collection<org.openjdk.jmh.results.RunResult> results = runner.run();
                if (spec.qualifiedName().endsWith(" block")) {
                    printRatios(results, out);
                }
            }
        } catch (NoBenchmarksException e) {
            throw new UserException(
                    name
                            + ": no benchmark matches "
                            + options.getIncludes()
                            + " (list them with -l)",
                    e);
        } catch (RunnerException e) {
            spec.commandLine()
                    .getErr()
                    .println("qama: " + name + ": " + Main.oneLine(e.getMessage()));
            return Main.EXIT_FAILURE;
        } catch (IOException e) {
            throw new UserException(name + ": " + Main.oneLine(IoErrors.describe(null, e)), e);
        } finally {
            stream.flush();
        }
        return Main.EXIT_OK;
    }

    /**
     * After {@code qama bench block}: each QAMA block's score over DJL's (block=classical) for the
     * same benchmark method and the same other parameters, measured in this run.
     */
    static void printRatios(
            java.util.Collection<org.openjdk.jmh.results.RunResult> results, PrintWriter out) {
        java.util.Map<String, Double> classical = new java.util.HashMap<>();
        java.util.List<String[]> rows = new ArrayList<>();
        for (org.openjdk.jmh.results.RunResult r : results) {
            org.openjdk.jmh.infra.BenchmarkParams p = r.getParams();
            String block = p.getParam("block");
            if (block == null) {
                continue;
            }
            StringBuilder key = new StringBuilder(p.getBenchmark().replaceAll(".*\\.", ""));
            for (String k : new java.util.TreeSet<>(p.getParamsKeys())) {
                if (!k.equals("block") && !k.equals("backend") && !k.equals("coupling")) {
                    key.append(' ').append(k).append('=').append(p.getParam(k));
                }
            }
            double score = r.getPrimaryResult().getScore();
            if (block.equals("classical")) {
                classical.put(key.toString(), score);
            } else {
                rows.add(new String[] {key.toString(), block, Double.toString(score)});
            }
        }
        boolean header = false;
        for (String[] row : rows) {
            Double base = classical.get(row[0]);
            if (base == null || !(base > 0)) {
                continue;
            }
            if (!header) {
                out.println();
                out.println("Ratio to DJL's block (block=classical) in this run (same units):");
                header = true;
            }
            out.printf(
                    java.util.Locale.ROOT,
                    "  %-44s %-14s %6.2fx%n",
                    row[0],
                    row[1],
                    Double.parseDouble(row[2]) / base);
        }
        out.flush();
    }

    /** A UTF-8 print stream whose text goes to {@code w} at each flush (auto-flushing lines). */
    static PrintStream printStreamOf(PrintWriter w) {
        ByteArrayOutputStream buffer =
                new ByteArrayOutputStream() {
                    @Override
                    public synchronized void flush() {
                        w.write(toString(StandardCharsets.UTF_8));
                        reset();
                        w.flush();
                    }
                };
        return new PrintStream(buffer, true, StandardCharsets.UTF_8);
    }
}
