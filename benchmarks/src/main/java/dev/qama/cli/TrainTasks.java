package dev.qama.cli;

import dev.qama.bench.train.DataSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Which {@code qama train} options belong to which task, and the task of a command line: the one
 * given with {@code --task}, or else the one its options and {@code --dataset} imply (image when
 * they allow it). An option given for a task it does not belong to is an error that names its task,
 * never silently ignored.
 */
final class TrainTasks {
    static final String IMAGE = "image";
    static final String TEXT = "text";
    static final String KV = "kv-retrieval";

    private static final Set<String> IMAGE_TEXT = Set.of(IMAGE, TEXT);

    /** The options of some tasks only; every other option applies to all three. */
    private static final Map<String, Set<String>> OPTION_TASKS =
            Map.ofEntries(
                    Map.entry("--data-dir", IMAGE_TEXT),
                    Map.entry("--train-images", Set.of(IMAGE)),
                    Map.entry("--train-labels", Set.of(IMAGE)),
                    Map.entry("--test-images", Set.of(IMAGE)),
                    Map.entry("--test-labels", Set.of(IMAGE)),
                    Map.entry("--patch", Set.of(IMAGE)),
                    Map.entry("--train-csv", Set.of(TEXT)),
                    Map.entry("--test-csv", Set.of(TEXT)),
                    Map.entry("--spam-dir", Set.of(TEXT)),
                    Map.entry("--max-length", Set.of(TEXT)),
                    Map.entry("--length", Set.of(KV)),
                    Map.entry("--steps", Set.of(KV)),
                    Map.entry("--dataset", IMAGE_TEXT),
                    Map.entry("--formulation", IMAGE_TEXT),
                    Map.entry("--output-mode", IMAGE_TEXT),
                    Map.entry("--coupling", IMAGE_TEXT),
                    Map.entry("--bits", IMAGE_TEXT),
                    Map.entry("--coupling-scale", IMAGE_TEXT),
                    Map.entry("--linear-scale", IMAGE_TEXT),
                    Map.entry("--penalty-scale", IMAGE_TEXT),
                    Map.entry("--epochs", IMAGE_TEXT),
                    Map.entry("--batch-size", IMAGE_TEXT),
                    Map.entry("--lr", IMAGE_TEXT),
                    Map.entry("--threads", IMAGE_TEXT),
                    Map.entry("--out", IMAGE_TEXT),
                    Map.entry("--no-plots", IMAGE_TEXT),
                    Map.entry("--eval-every", IMAGE_TEXT),
                    Map.entry("--validation", IMAGE_TEXT),
                    Map.entry("--max-train", IMAGE_TEXT),
                    Map.entry("--max-test", IMAGE_TEXT));

    private TrainTasks() {}

    /**
     * The task of a parsed {@code qama train} command line.
     *
     * @param parsed what picocli matched
     * @param dataset the {@code --dataset} value, or null
     * @throws UserException for an unknown task, an option (or data set) of another task than the
     *     one given, or options of different tasks without {@code --task}
     */
    static String resolve(ParseResult parsed, String dataset) {
        String given = null;
        if (parsed.hasMatchedOption("--task")) {
            given = parsed.matchedOptionValue("--task", IMAGE);
            if (!Set.of(IMAGE, TEXT, KV).contains(given)) {
                throw new UserException(
                        "--task must be image, text or kv-retrieval, got '" + given + "'");
            }
        }
        List<String> names = new ArrayList<>();
        List<Set<String>> tasks = new ArrayList<>();
        for (OptionSpec o : parsed.matchedOptions()) {
            String name = o.longestName();
            Set<String> t = OPTION_TASKS.get(name);
            if (t != null && !names.contains(name)) {
                names.add(name);
                tasks.add(t);
            }
        }
        String datasetTask =
                dataset == null
                        ? null
                        : DataSets.find(dataset).map(d -> d.task().cliName()).orElse(null);
        if (datasetTask != null) {
            names.add("--dataset " + dataset);
            tasks.add(Set.of(datasetTask));
        }
        if (given != null) {
            for (int i = 0; i < names.size(); i++) {
                if (!tasks.get(i).contains(given)) {
                    throw new UserException(
                            names.get(i)
                                    + " belongs to "
                                    + taskNames(tasks.get(i))
                                    + ", not to --task "
                                    + given);
                }
            }
            return given;
        }
        // no --task: the one task every option allows (image first)
        for (String candidate : List.of(IMAGE, TEXT, KV)) {
            if (tasks.stream().allMatch(t -> t.contains(candidate))) {
                return candidate;
            }
        }
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                if (tasks.get(i).stream().noneMatch(tasks.get(j)::contains)) {
                    throw new UserException(
                            names.get(i)
                                    + " belongs to "
                                    + taskNames(tasks.get(i))
                                    + " but "
                                    + names.get(j)
                                    + " to "
                                    + taskNames(tasks.get(j))
                                    + "; give the options of one task");
                }
            }
        }
        throw new UserException(
                String.join(" ", names) + ": these options do not share a task; give --task");
    }

    private static String taskNames(Set<String> tasks) {
        List<String> t = new ArrayList<>();
        for (String k : List.of(IMAGE, TEXT, KV)) {
            if (tasks.contains(k)) {
                t.add(k);
            }
        }
        return "--task " + String.join(" and ", t);
    }
}
