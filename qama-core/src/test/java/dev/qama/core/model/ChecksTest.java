package dev.qama.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ChecksTest {
    /** Counts how often the message is made. */
    private static final class Name implements Supplier<String> {
        int calls;

        @Override
        public String get() {
            calls++;
            return "linear terms of head 3";
        }
    }

    @Test
    void suppliedNamesAreOnlyMadeWhenACheckFails() {
        Name name = new Name();
        float[] ok = {1f, -2f};
        assertSame(ok, Checks.allFinite(ok, name));
        Checks.length(2, 2, name);
        assertEquals(1.5, Checks.finite(1.5, name));
        assertEquals(0, name.calls);
    }

    @Test
    void suppliedNamesGiveTheSameMessagesAsStrings() {
        String what = "linear terms of head 3";
        float[] bad = {1f, Float.NaN};
        assertEquals(
                message(() -> Checks.allFinite(bad, what)),
                message(() -> Checks.allFinite(bad, () -> what)));
        assertEquals(
                "linear terms of head 3[1] must be finite, got NaN",
                message(() -> Checks.allFinite(bad, () -> what)));
        assertEquals(
                "linear terms of head 3 is null",
                message(() -> Checks.allFinite(null, () -> what)));
        assertEquals(
                "linear terms of head 3 has length 4 but 5 was expected",
                message(() -> Checks.length(4, 5, () -> what)));
        assertEquals(
                "linear terms of head 3 must be finite, got Infinity",
                message(() -> Checks.finite(Double.POSITIVE_INFINITY, () -> what)));
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }
}
