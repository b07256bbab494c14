package dev.qama.bench.infer;

import dev.qama.bench.train.ImageSet;
import java.io.IOException;
import java.io.Writer;

/**
 * The text formats of batch inference, one record per line, fields separated by commas (no
 * quoting):
 *
 * <ul>
 *   <li>examples: {@code id,x0,x1,...}: an id (no comma; not the word {@code id}) and the C·S·S
 *       pixel values of one image in (channel, row, column) order, scaled as in training ([0, 1]).
 *       A line whose first field is {@code id} is a header and skipped, as are blank lines.
 *   <li>predictions: {@code id,prediction,logit0,...}: the id, the predicted class (the largest
 *       logit, the first on ties) and the K logits, each written by {@link Float#toString} so that
 *       it reads back to the same float.
 * </ul>
 *
 * A line is parsed on its own (no state across lines), so a Spark partition can start anywhere.
 */
public final class ExampleCsv {
    /** The first field of a header line. */
    public static final String ID = "id";

    private ExampleCsv() {}

    /**
     * An example.
     *
     * @param id its id
     * @param values its pixels
     */
    public record Example(String id, float[] values) {}

    /** Whether a line carries no example (blank, or the header). */
    public static boolean skip(String line) {
        if (line.isBlank()) {
            return true;
        }
        int comma = line.indexOf(',');
        String first = comma < 0 ? line : line.substring(0, comma);
        return first.strip().equals(ID);
    }

    /**
     * Parses an example line with {@code values} pixel values.
     *
     * @param where the line's place for messages, e.g. {@code data.csv:12}
     * @throws IllegalArgumentException naming {@code where}, the field and the bad value
     */
    public static Example parse(String line, int values, String where) {
        String[] f = line.split(",", -1);
        if (f.length != values + 1) {
            throw new IllegalArgumentException(
                    where
                            + ": "
                            + f.length
                            + " fields, expected "
                            + (values + 1)
                            + " (an id and "
                            + values
                            + " pixel values for this model)");
        }
        String id = f[0].strip();
        if (id.isEmpty()) {
            throw new IllegalArgumentException(where + ": the id (field 1) is empty");
        }
        float[] x = new float[values];
        for (int i = 0; i < values; i++) {
            String v = f[i + 1].strip();
            float p;
            try {
                p = Float.parseFloat(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        where + ": field " + (i + 2) + " is not a number: '" + v + "'");
            }
            if (!Float.isFinite(p)) {
                throw new IllegalArgumentException(
                        where + ": field " + (i + 2) + " is not finite: '" + v + "'");
            }
            x[i] = p;
        }
        return new Example(id, x);
    }

    /** The header of a predictions file for K classes. */
    public static String predictionHeader(int classes) {
        StringBuilder b = new StringBuilder(ID).append(",prediction");
        for (int k = 0; k < classes; k++) {
            b.append(",logit").append(k);
        }
        return b.toString();
    }

    /** A predictions line: the id, the arg max of {@code logits[from, from+K)} and the logits. */
    public static String prediction(String id, float[] logits, int from, int classes) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (logits[from + k] > logits[from + best]) {
                best = k;
            }
        }
        StringBuilder b = new StringBuilder(id).append(',').append(best);
        for (int k = 0; k < classes; k++) {
            b.append(',').append(Float.toString(logits[from + k]));
        }
        return b.toString();
    }

    /**
     * Writes images as an examples file with a header; the ids are the images' indices 0, 1, ...
     */
    public static void write(ImageSet images, Writer out) throws IOException {
        int per = images.pixelsPerImage();
        StringBuilder b = new StringBuilder(ID);
        for (int i = 0; i < per; i++) {
            b.append(",x").append(i);
        }
        out.write(b.append('\n').toString());
        float[] px = images.pixels();
        for (int n = 0; n < images.count(); n++) {
            b.setLength(0);
            b.append(n);
            for (int i = 0; i < per; i++) {
                b.append(',').append(Float.toString(px[n * per + i]));
            }
            out.write(b.append('\n').toString());
        }
    }
}
