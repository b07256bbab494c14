package dev.qama.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.function.Executable;

/** Helpers shared by the format tests. */
final class IoTesting {
    /** Where the project's shared benchmark data lives when the checkout sits next to it. */
    static final Path SHARED_DATA = Paths.get("/work/shared/data");

    private IoTesting() {}

    /** A test resource under /instances as a path. */
    static Path resource(String name) {
        try {
            return Paths.get(IoTesting.class.getResource("/instances/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource /instances/" + name, e);
        }
    }

    /** The shared data directory {@code sub}, or null when it is absent. */
    static Path shared(String sub) {
        Path p = SHARED_DATA.resolve(sub);
        return Files.isDirectory(p) ? p : null;
    }

    /**
     * Asserts that {@code call} throws a FormatException on {@code line} whose message starts with
     * "SOURCE:LINE: " and contains {@code fragment}.
     */
    static FormatException assertFormatError(
            Executable call, String source, int line, String fragment) {
        FormatException e = assertThrows(FormatException.class, call);
        assertEquals(source, e.source(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        String prefix = line > 0 ? source + ":" + line + ": " : source + ": ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " lacks " + fragment);
        assertTrue(e instanceof IllegalArgumentException);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    /** All 2ⁿ states of n variables over {low, 1}, state k having bit i of k at position i. */
    static byte[][] allStates(int n, byte low) {
        byte[][] out = new byte[1 << n][n];
        for (int k = 0; k < out.length; k++) {
            for (int i = 0; i < n; i++) {
                out[k][i] = ((k >> i) & 1) == 1 ? 1 : low;
            }
        }
        return out;
    }
}
