package dev.qama.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Vartype;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class EntriesTest {

    @Test
    void modelTakesDiagonalAsLinearAndScalesPairs() {
        Entries e = new Entries(3, 3);
        e.add(1, 1, -1.5, 2);
        e.add(2, 0, 0.75, 3); // normalised to (0, 2)
        e.add(0, 1, 4, 4);
        BinaryQuadraticModel m = e.toBinaryModel("src", 2.0, 0.25);
        assertEquals(Vartype.BINARY, m.vartype());
        assertEquals(0.25, m.offset(), 0);
        assertEquals(0, m.linear(0), 0);
        assertEquals(-1.5, m.linear(1), 0);
        assertEquals(1.5, m.coupling().get(0, 2), 0);
        assertEquals(8, m.coupling().get(1, 0), 0);
        // E(1,1,1) = 0.25 − 1.5 + 1.5 + 8 + 0
        assertEquals(8.25, m.energy(new byte[] {1, 1, 1}), 1e-12);
    }

    @Test
    void missingEntriesAreReportedAtTheEnd() throws Exception {
        LineReader in = new LineReader(new StringReader("x\ny\n"), "f.txt", false);
        while (in.next()) {
            // read to the end
        }
        Entries e = new Entries(2, 3);
        e.add(0, 1, 1, 1);
        FormatException ex =
                assertThrows(FormatException.class, () -> e.requireComplete(in, 3, ""));
        assertTrue(ex.getMessage().contains("file ends after 1 of the 3 entries"), ex.getMessage());
    }

    @Test
    void aRepeatedPairNamesBothLinesAndTheAdvice() throws Exception {
        LineReader in = new LineReader(new StringReader(""), "f.txt", false);
        Entries e = new Entries(3, 2);
        e.add(0, 2, 1, 5);
        e.add(2, 0, 1, 9);
        FormatException ex =
                assertThrows(FormatException.class, () -> e.requireComplete(in, 2, " (advice)"));
        assertTrue(ex.getMessage().startsWith("f.txt:9: "), ex.getMessage());
        assertTrue(
                ex.getMessage().endsWith("entry repeats the pair of line 5 (advice)"),
                ex.getMessage());
    }
}
