package dev.qama.bench.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongFunction;

/**
 * The prediction lines ({@link ExampleCsv}) of a stream of example lines, computed lazily {@code B}
 * examples at a time with one {@link TrainedModel.Scorer}: {@code qama infer} runs it over a file,
 * the Spark job over each partition, so both read, batch and write alike.
 */
public final class Predictions implements Iterator<String> {
    private final TrainedModel.Scorer scorer;
    private final Iterator<String> lines;
    private final LongFunction<String> where;
    private final int per;
    private final int classes;
    private final List<String> pending = new ArrayList<>();
    private int next;
    private long lineNo;
    private long examples;

    /**
     * @param model the model (for the input size and the classes)
     * @param scorer its scorer (the batch size)
     * @param lines example lines; blank and header lines are skipped
     * @param where names line i (1-based, of {@code lines}) in messages, e.g. {@code "data.csv:" +
     *     i}
     */
    public Predictions(
            TrainedModel model,
            TrainedModel.Scorer scorer,
            Iterator<String> lines,
            LongFunction<String> where) {
        this.scorer = scorer;
        this.lines = lines;
        this.where = where;
        this.per = model.inputSize();
        this.classes = model.classes();
    }

    /** Examples predicted so far. */
    public long examples() {
        return examples;
    }

    /**
     * @throws IllegalArgumentException naming the line of a malformed example
     */
    @Override
    public boolean hasNext() {
        if (next < pending.size()) {
            return true;
        }
        pending.clear();
        next = 0;
        fill();
        return !pending.isEmpty();
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.get(next++);
    }

    /** Reads up to B examples and turns them into prediction lines. */
    private void fill() {
        int b = scorer.batchSize();
        List<String> ids = new ArrayList<>(b);
        float[] x = new float[b * per];
        while (ids.size() < b && lines.hasNext()) {
            String line = lines.next();
            lineNo++;
            if (ExampleCsv.skip(line)) {
                continue;
            }
            ExampleCsv.Example e = ExampleCsv.parse(line, per, where.apply(lineNo));
            System.arraycopy(e.values(), 0, x, ids.size() * per, per);
            ids.add(e.id());
        }
        int n = ids.size();
        if (n == 0) {
            return;
        }
        float[] logits = scorer.logits(n == b ? x : Arrays.copyOf(x, n * per), n);
        for (int i = 0; i < n; i++) {
            pending.add(ExampleCsv.prediction(ids.get(i), logits, i * classes, classes));
        }
        examples += n;
    }
}
