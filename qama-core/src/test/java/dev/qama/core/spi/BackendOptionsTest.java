package dev.qama.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendOptionsTest {
    private static final String PREFIX = "qama.test.backendoptions.";

    @Test
    void systemPropertiesFillOnlyUnsetKnownKeys() {
        System.setProperty(PREFIX + "a", "from-property");
        System.setProperty(PREFIX + "b", "ignored");
        System.setProperty(PREFIX + "other", "not-a-key");
        try {
            BackendOptions o =
                    BackendOptions.of(Map.of("b", "from-option"))
                            .withSystemProperties(PREFIX, Set.of("a", "b", "c"));
            assertEquals(Map.of("a", "from-property", "b", "from-option"), o.asMap());
        } finally {
            System.clearProperty(PREFIX + "a");
            System.clearProperty(PREFIX + "b");
            System.clearProperty(PREFIX + "other");
        }
    }

    @Test
    void withoutMatchingPropertiesTheOptionsAreUnchanged() {
        BackendOptions o = BackendOptions.parse("x=1");
        assertSame(o, o.withSystemProperties(PREFIX, Set.of("x", "y")));
    }

    @Test
    void rangeErrorsNameKeyValueAndBounds() {
        BackendOptions o = BackendOptions.parse("n=7,d=2.5");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> o.getInt("n", 0, 1, 5));
        assertEquals("backend option n=7 is out of range [1, 5]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> o.getDouble("d", 0, 0, 1));
        assertEquals("backend option d=2.5 is out of range [0.0, 1.0]", e.getMessage());
        assertEquals(2.5, o.getDouble("d", 0, 0, 3));
    }
}
