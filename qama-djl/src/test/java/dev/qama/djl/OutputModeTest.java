package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qama.djl.QamaAttentionBlock.OutputMode;
import org.junit.jupiter.api.Test;

class OutputModeTest {

    @Test
    void cliNamesRoundTrip() {
        assertEquals("paper", OutputMode.PAPER.cliName());
        assertEquals("values", OutputMode.VALUES.cliName());
        assertEquals("selected-keys", OutputMode.SELECTED_KEYS.cliName());
        for (OutputMode m : OutputMode.values()) {
            assertEquals(m, OutputMode.parse(m.cliName()));
        }
    }

    @Test
    void parseIgnoresCaseBlanksAndUnderscores() {
        assertEquals(OutputMode.SELECTED_KEYS, OutputMode.parse("selected_keys"));
        assertEquals(OutputMode.SELECTED_KEYS, OutputMode.parse(" Selected-Keys "));
        assertEquals(OutputMode.SELECTED_KEYS, OutputMode.parse("SELECTED_KEYS"));
        assertEquals(OutputMode.VALUES, OutputMode.parse("VALUES"));
        assertEquals(OutputMode.PAPER, OutputMode.parse("Paper"));
    }

    @Test
    void parseNamesTheValueAndTheValidNames() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> OutputMode.parse("keys"));
        assertEquals(
                "output mode 'keys' is not one of paper, values, selected-keys", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OutputMode.parse(null));
        assertThrows(IllegalArgumentException.class, () -> OutputMode.parse(""));
    }
}
