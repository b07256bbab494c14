package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsAndJsonTest {

    @Test
    void durationsWithUnits() {
        assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMillis(250), Durations.parse(" .25S "));
        assertEquals("2s", Durations.format(Duration.ofSeconds(2)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("3m", Durations.format(Duration.ofMinutes(3)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "2x", "-1s", "0s", "0.0000000001ms", "s", "1e3s", "1 s 2"})
    void badDurationsAreRejected(String text) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void hugeDurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999h"));
    }

    @Test
    void jsonEscapesAndNumbers() {
        String tricky = "a\"b\\c\nd\te\u0001f/é\u2028";
        String text =
                new Json()
                        .put("s", tricky)
                        .put("null", (String) null)
                        .put("int", -19412.0)
                        .put("frac", 0.125)
                        .put("tiny", 1e-20)
                        .put("nan", Double.NaN)
                        .put("long", Long.MIN_VALUE)
                        .put("boxed", Integer.valueOf(7))
                        .put("no int", (Integer) null)
                        .put("flag", true)
                        .put("state", new byte[] {-1, 1})
                        .toString();
        assertTrue(text.chars().allMatch(c -> c >= 0x20 && c < 0x7f), text);
        assertTrue(text.contains("\"int\":-19412,"), text);
        assertTrue(text.contains("\"s\":\"a\\\"b\\\\c\\nd\\te\\u0001f/\\u00e9\\u2028\""), text);
        Map<String, Object> back = MiniJson.object(text);
        assertEquals(tricky, back.get("s"));
        assertEquals(null, back.get("null"));
        assertTrue(back.containsKey("null"));
        assertEquals(-19412.0, back.get("int"));
        assertEquals(0.125, back.get("frac"));
        assertEquals(1e-20, back.get("tiny"));
        assertEquals(null, back.get("nan"));
        assertEquals((double) Long.MIN_VALUE, back.get("long"));
        assertTrue(text.contains("\"boxed\":7,\"no int\":null,"), text);
        assertTrue(back.containsKey("no int"));
        assertEquals(Boolean.TRUE, back.get("flag"));
        assertEquals(java.util.List.of(-1.0, 1.0), back.get("state"));
        assertEquals("\"x\\\"\"", Json.quote("x\""));
    }
}
