package dev.qama.bench.train;

import dev.qama.core.io.IoErrors;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A strict reader of the IDX format of LeCun's MNIST files (also used by Fashion-MNIST): a
 * big-endian header of two zero bytes, a type byte (only 0x08, unsigned byte, is accepted), the
 * number of dimensions, each dimension as a 32-bit integer, then the data. Images are 3-D (count,
 * rows, columns) with rows = columns, labels 1-D. Files ending in {@code .gz} are decompressed.
 * Every violation is an {@link IdxException} naming the file and what is wrong.
 */
public final class Idx {
    private Idx() {}

    /** A malformed IDX file. */
    public static final class IdxException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        IdxException(Path file, String what) {
            super(file + ": " + what);
        }
    }

    /**
     * Reads an image file and a label file into an image set (pixels / 255).
     *
     * @param name the set's name for reports
     * @throws IdxException if either file is malformed or their counts differ
     * @throws IOException if a file cannot be read
     */
    public static ImageSet load(String name, Path images, Path labels) throws IOException {
        Header hi;
        byte[] px;
        try (DataInputStream in = open(images)) {
            hi = header(images, in, 3);
            if (hi.dims[1] != hi.dims[2]) {
                throw new IdxException(
                        images,
                        "images must be square, got " + hi.dims[1] + "x" + hi.dims[2] + " pixels");
            }
            px = body(images, in, (long) hi.dims[0] * hi.dims[1] * hi.dims[2]);
        } catch (IOException e) {
            throw IoErrors.withFile(images, e); // a corrupt .gz, a read error: named
        }
        Header hl;
        byte[] lb;
        try (DataInputStream in = open(labels)) {
            hl = header(labels, in, 1);
            lb = body(labels, in, hl.dims[0]);
        } catch (IOException e) {
            throw IoErrors.withFile(labels, e);
        }
        if (hl.dims[0] != hi.dims[0]) {
            throw new IdxException(
                    labels,
                    hl.dims[0]
                            + " labels for "
                            + hi.dims[0]
                            + " images in "
                            + images.getFileName());
        }
        int n = hi.dims[0];
        int[] l = new int[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            l[i] = lb[i] & 0xff;
            classes = Math.max(classes, l[i] + 1);
        }
        float[] p = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            p[i] = (px[i] & 0xff) / 255f;
        }
        return new ImageSet(name, p, l, 1, hi.dims[1], classes);
    }

    /**
     * Checks the labels of a training and a test set read by {@link #load}: the training labels
     * must be the classes 0..K-1 with an example of each (so a stray label such as 200 among 0..9
     * is caught rather than turned into 191 empty classes), and every test label one of them.
     *
     * @throws IdxException naming the label file, the label and its index
     */
    public static void checkLabels(
            Path trainLabels, ImageSet train, Path testLabels, ImageSet test) {
        int k = train.classes();
        int[] count = new int[k];
        int[] first = new int[k];
        int[] l = train.labels();
        for (int i = l.length - 1; i >= 0; i--) {
            count[l[i]]++;
            first[l[i]] = i;
        }
        for (int c = 0; c < k; c++) {
            if (count[c] == 0) {
                int last = c;
                while (last + 1 < k && count[last + 1] == 0) {
                    last++;
                }
                int above = last + 1; // the smallest label above the gap (exists: k-1 occurs)
                throw new IdxException(
                        trainLabels,
                        "label "
                                + above
                                + " (at index "
                                + first[above]
                                + ") is out of range: labels must be the classes 0..K-1, but "
                                + (c == last
                                        ? "class " + c + " has"
                                        : "classes " + c + " to " + last + " have")
                                + " no example");
            }
        }
        int[] t = test.labels();
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= k) {
                throw new IdxException(
                        testLabels,
                        "label "
                                + t[i]
                                + " (at index "
                                + i
                                + ") is out of range: the training labels are 0.."
                                + (k - 1));
            }
        }
    }

    private record Header(int[] dims) {}

    private static DataInputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory, not a file");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().endsWith(".gz")) {
            try {
                in = new BufferedInputStream(new GZIPInputStream(in), 1 << 16);
            } catch (IOException e) {
                in.close();
                throw new IdxException(file, "not a gzip file (" + e.getMessage() + ")");
            }
        }
        return new DataInputStream(in);
    }

    private static Header header(Path file, DataInputStream in, int expectedDims)
            throws IOException {
        byte[] magic = new byte[4];
        try {
            in.readFully(magic);
        } catch (EOFException e) {
            throw new IdxException(file, "too short for an IDX header (4 bytes)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxException(
                    file,
                    String.format(
                            "not an IDX file: magic number 0x%02x%02x%02x%02x does not start with"
                                    + " two zero bytes",
                            magic[0], magic[1], magic[2], magic[3]));
        }
        if (magic[2] != 0x08) {
            throw new IdxException(
                    file,
                    String.format(
                            "data type 0x%02x is not supported (only 0x08, unsigned byte)",
                            magic[2]));
        }
        int dims = magic[3];
        if (dims != expectedDims) {
            throw new IdxException(
                    file,
                    dims
                            + " dimensions, expected "
                            + expectedDims
                            + (expectedDims == 3
                                    ? " (images: count, rows, columns)"
                                    : " (labels)"));
        }
        int[] d = new int[dims];
        for (int k = 0; k < dims; k++) {
            try {
                d[k] = in.readInt();
            } catch (EOFException e) {
                throw new IdxException(file, "header ends before dimension " + (k + 1));
            }
            if (d[k] < 1) {
                throw new IdxException(file, "dimension " + (k + 1) + " is " + d[k]);
            }
        }
        return new Header(d);
    }

    private static byte[] body(Path file, DataInputStream in, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IdxException(file, "too large: " + size + " bytes of data");
        }
        byte[] b = new byte[(int) size];
        int got = in.readNBytes(b, 0, b.length);
        if (got < b.length) {
            throw new IdxException(
                    file, "truncated: the header announces " + size + " bytes, found " + got);
        }
        if (in.read() != -1) {
            throw new IdxException(
                    file, "trailing data after the " + size + " bytes the header announces");
        }
        return b;
    }
}
