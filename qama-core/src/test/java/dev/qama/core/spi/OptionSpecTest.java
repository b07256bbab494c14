package dev.qama.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qama.core.exact.MilpProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionSpecTest {
    private static final OptionSpec N = OptionSpec.ofInt("n", 3, 1, 5, "a count");
    private static final OptionSpec DT = OptionSpec.ofPositive("dt", 0.5, 2, "a step");

    @Test
    void valuesDefaultsAndRanges() {
        assertEquals(3, N.intValue(BackendOptions.empty()));
        assertEquals(4, N.intValue(BackendOptions.parse("n=4")));
        assertEquals(0.5, DT.doubleValue(BackendOptions.empty()));
        assertEquals("[1, 5]", N.range());
        assertEquals("(0, 2]", DT.range());
        assertEquals("(0, 1)", OptionSpec.ofOpen("a", 0.5, 0, 1, "x").range());
    }

    @Test
    void outOfRangeNamesKeyValueAndRange() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> N.intValue(BackendOptions.parse("n=7")));
        assertEquals("backend option n=7 is out of range [1, 5]", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DT.doubleValue(BackendOptions.parse("dt=0")));
        assertEquals("backend option dt=0 is out of range (0, 2]", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> N.intValue(BackendOptions.parse("n=x")));
        assertEquals("backend option n=x is not an integer in [1, 5]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DT.check(3.0));
        assertEquals("dt must be a finite number in (0, 2], got 3.0", e.getMessage());
    }

    @Test
    void providersDeclareTheirOptionsAndRejectUnknownKeys() {
        MilpProvider p = new MilpProvider();
        assertEquals(List.of("max_variables"), List.copyOf(OptionSpec.keys(p.options())));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> p.create(BackendOptions.parse("max_variables=5000")));
        assertEquals("backend option max_variables=5000 is out of range [0, 4096]", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> p.create(BackendOptions.parse("bogus=1")));
        assertEquals(
                "unknown backend option 'bogus'; known options: [max_variables]", e.getMessage());
        Map<String, Object> m = p.options().get(0).toMap();
        assertEquals("int", m.get("type"));
        assertEquals(4096L, m.get("max"));
        assertEquals("[0, 4096]", m.get("range"));
    }
}
