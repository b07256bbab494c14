package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forward pass's download: one device-to-host read, every value where it belongs. */
class HostTest extends PyTorchTest {
    /** Row-major values 0, 1, 2, ... plus {@code offset}. */
    static float[] counting(int n, float offset) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = offset + i;
        }
        return out;
    }

    /** The (B, H, N, d) heads of a (B, N, H·d) row-major array, as the block splits them. */
    static float[] heads(float[] bne, int b, int n, int h, int d) {
        float[] out = new float[bne.length];
        int at = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                for (int t = 0; t < n; t++) {
                    for (int c = 0; c < d; c++) {
                        out[at++] = bne[((i * n + t) * h + j) * d + c];
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "B={0} N={1} H={2} d={3}, e of {4}")
    @CsvSource({"3, 5, 2, 4, 7", "2, 4, 3, 2, 24", "1, 3, 1, 1, 1", "4, 7, 2, 3, 0"})
    void theHeadsEAndTheMaskComeInOneRead(int b, int n, int h, int d, int eSize) {
        try (NDManager pass = manager.newSubManager()) {
            int size = b * n * h * d;
            NDArray[] heads = new NDArray[3];
            float[][] want = new float[3][];
            for (int k = 0; k < 3; k++) {
                float[] bne = counting(size, 1000f * k);
                // strided views, as the block's transposes into heads are
                heads[k] =
                        pass.create(bne, new Shape(b, n, (long) h * d))
                                .reshape(b, n, h, d)
                                .transpose(0, 2, 1, 3);
                want[k] = heads(bne, b, n, h, d);
            }
            float[] eValues = counting(eSize, -50f);
            NDArray e = eSize == 0 ? null : pass.create(eValues, new Shape(eSize));
            float[] maskValues = counting(b * n, 0.5f);
            NDArray mask = pass.create(maskValues, new Shape(b, n));

            Host.Download down = Host.copyOut(heads[0], heads[1], heads[2], e, mask);

            assertEquals(1, down.reads(), "one device-to-host read per pass");
            float[][] parts = down.parts();
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(want[k], parts[k], "head tensor " + k);
            }
            if (e == null) {
                assertNull(parts[3]);
            } else {
                assertArrayEquals(eValues, parts[3], "e");
            }
            assertArrayEquals(maskValues, parts[4], "mask");
        }
    }

    /**
     * The pass's one scan of Q, K, V (qama-core's {@code AttentionInputs}, eight running sums)
     * finds every NaN and infinity, and the block names the tensor and batch element; finite values
     * whose sums overflow pass.
     */
    @Test
    void aNonFiniteProjectionIsNamedWithItsTensorAndBatchElement() {
        int b = 3;
        int h = 2;
        int n = 5;
        int d = 4;
        int size = b * h * n * d;
        String[] names = {"projected queries", "projected keys", "projected values"};
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int which = 0; which < 3; which++) {
            for (int p = 0; p < size; p += 7) {
                float[][] qkv = {counting(size, 0), counting(size, 1), counting(size, 2)};
                qkv[which][p] = bad[p % 3];
                Host.Heads heads = new Host.Heads(b, h, n, d, qkv[0], qkv[1], qkv[2], null);
                String msg =
                        assertThrows(IllegalArgumentException.class, () -> heads.inputs(null))
                                .getMessage();
                String want =
                        "QamaAttentionBlock: "
                                + names[which]
                                + " of batch element "
                                + p / (h * n * d)
                                + " contain a non-finite value ("
                                + bad[p % 3]
                                + ")";
                assertTrue(msg.startsWith(want), msg);
            }
        }
        float[] big = new float[size];
        java.util.Arrays.fill(big, Float.MAX_VALUE);
        assertEquals(b, new Host.Heads(b, h, n, d, big, big, big, null).inputs(null).batch());
    }
}
