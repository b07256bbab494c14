package dev.qama.bench.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * The embedded default data set: scikit-learn's copy of the UCI "Optical Recognition of Handwritten
 * Digits" test set (Alpaydin and Kaynak, 1998; 1,797 images of 8×8 pixels with values 0..16, 10
 * classes), shipped as {@code digits.csv.gz} from Debian's {@code python3-sklearn} under the
 * BSD-3-Clause licence (see {@code digits-LICENSE.txt} next to it).
 */
public final class Digits {
    /** The resource, relative to this class. */
    public static final String RESOURCE = "digits.csv.gz";

    private Digits() {}

    /** All 1,797 images, pixels scaled to [0, 1] (divided by 16). */
    public static ImageSet load() {
        InputStream raw = Digits.class.getResourceAsStream(RESOURCE);
        if (raw == null) {
            throw new IllegalStateException("the embedded " + RESOURCE + " is missing");
        }
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(raw), StandardCharsets.US_ASCII))) {
            float[] pixels = new float[1797 * 64];
            int[] labels = new int[1797];
            int n = 0;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                if (f.length != 65 || n >= labels.length) {
                    throw new IllegalStateException(
                            RESOURCE + ": line " + (n + 1) + " has " + f.length + " fields");
                }
                for (int k = 0; k < 64; k++) {
                    pixels[n * 64 + k] = (float) (Double.parseDouble(f[k]) / 16.0);
                }
                labels[n] = (int) Double.parseDouble(f[64]);
                n++;
            }
            if (n != labels.length) {
                throw new IllegalStateException(RESOURCE + ": " + n + " images, expected 1797");
            }
            return new ImageSet("digits", pixels, labels, 1, 8, 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
