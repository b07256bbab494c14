package dev.qama.cli;

import dev.qama.bench.train.History;
import dev.qama.bench.train.Plots;
import dev.qama.bench.train.RunReport;
import dev.qama.core.io.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qama train plot DIR...}: one picture of the curves of several runs. */
@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        description = "Draws the training curves of several run directories in one PNG.")
final class TrainPlotCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
            paramLabel = "DIR",
            arity = "1..*",
            description = "Run directories (with history.csv and result.json).")
    List<Path> dirs = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "PNG",
            defaultValue = "compare.png",
            description = "The picture (default: ${DEFAULT-VALUE}).")
    Path png;

    @Option(
            names = "--title",
            paramLabel = "TEXT",
            defaultValue = "",
            description = "Chart title (default: the data set).")
    String title;

    @Override
    public Integer call() throws IOException {
        List<Plots.Run> runs = new ArrayList<>();
        String dataset = null;
        for (Path d : dirs) {
            Path csv = d.resolve("history.csv");
            if (!Files.isRegularFile(csv)) {
                throw new UserException(
                        d + ": no history.csv (is it a qama train run" + " directory?)");
            }
            History h = History.parseCsv(IoErrors.readText(csv), csv.toString());
            String label = d.getFileName().toString();
            Path rj = d.resolve("result.json");
            if (Files.isRegularFile(rj)) {
                Map<String, Object> result;
                try {
                    result = RunReport.readResult(rj);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
                label = RunReport.label(result) + " (" + label + ")";
                if (dataset == null && result.get("dataset") != null) {
                    dataset = result.get("dataset").toString();
                }
            }
            runs.add(new Plots.Run(label, h));
        }
        String t = title.isEmpty() ? (dataset == null ? "runs" : dataset) : title;
        Plots.curves(runs, t, png);
        spec.commandLine().getOut().println("wrote " + png);
        return Main.EXIT_OK;
    }
}
