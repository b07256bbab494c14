package dev.qama.cli;

import dev.qama.bench.Stats;
import dev.qama.bench.train.History;
import dev.qama.bench.train.Plots;
import dev.qama.bench.train.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code qama train report DIR...}: mean ± sd over seeds of finished runs, grouped by
 * configuration, as markdown tables (or one JSON object per group).
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Summarises finished runs over their seeds: runs with the same configuration"
                    + " (attention, formulation, output mode, solver, data set, epochs, batch"
                    + " size, learning rate) form a group; prints the final-epoch held-out"
                    + " accuracy as mean ± sample sd, per seed, the training time and, where"
                    + " the runs used --eval-every, the accuracy at the checkpoints.",
            "Interrupted runs are left out with a warning on stderr."
        })
final class TrainReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
            paramLabel = "RUN",
            arity = "1..*",
            description = "Run directories (with result.json) or result files (--json output).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per group instead of markdown.")
    boolean json;

    @Option(
            names = "--plot",
            paramLabel = "PNG",
            description = "Also draw each group's mean curves (over its seeds) in this PNG.")
    Path png;

    @Option(
            names = "--title",
            paramLabel = "TEXT",
            defaultValue = "",
            description = "Chart title for --plot (default: the data set).")
    String title;

    @Override
    public Integer call() throws IOException {
        RunReport report;
        try {
            report = RunReport.read(paths);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        report.warnings().forEach(w -> err.println("qama: warning: " + w));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            for (RunReport.Group g : report.groups()) {
                double[] t = g.testPercent();
                for (int i = 0; i < t.length; i++) {
                    t[i] /= 100;
                }
                Json o =
                        new Json()
                                .put("dataset", g.dataset())
                                .put("held_out", g.heldOut())
                                .put("attention", g.label())
                                .put("epochs", g.epochs())
                                .put("runs", g.runs().size())
                                .put(
                                        "seeds",
                                        g.seeds().stream()
                                                .map(String::valueOf)
                                                .collect(Collectors.joining(",")))
                                .put("test_accuracy_mean", Stats.mean(t))
                                .put("test_accuracy_sd", Stats.sd(t))
                                .put("train_seconds_mean", Stats.mean(g.trainSeconds()))
                                .put("solver_seconds_mean", Stats.mean(g.solverSeconds()));
                RunReport.Pairing p = report.pairing(g);
                if (p != null) {
                    o.put(
                                    "paired_seeds",
                                    p.seeds().stream()
                                            .map(String::valueOf)
                                            .collect(Collectors.joining(",")))
                            .put("vs_classical_mean", p.diff() / 100)
                            .put("vs_classical_se", p.diffSe() / 100)
                            .put("vs_classical_worst", p.worst() / 100)
                            .put("vs_classical_worst_epoch", p.worstEpoch())
                            .put("train_time_ratio", p.timeRatio());
                }
                out.println(o);
            }
        } else {
            out.print(report.markdown());
        }
        if (png != null) {
            List<Plots.Run> runs = new ArrayList<>();
            for (RunReport.Group g : report.groups()) {
                History h = g.meanHistory();
                if (h == null) {
                    throw new UserException(
                            "--plot: a run of "
                                    + g.label()
                                    + " has no history.csv (give run directories)");
                }
                runs.add(new Plots.Run(report.name(g) + ", mean of " + g.runs().size(), h));
            }
            String t = title.isEmpty() ? report.groups().get(0).dataset() : title;
            Plots.curves(runs, t, png);
            err.println("wrote " + png);
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
