package dev.qama.cim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AnytimeScheduleTest {
    private static final long MS = 1_000_000L;

    @Test
    void doublesWhileTheNextRunFits() {
        // 1000 units took 10 ms; 1 s left: 2000 units (20 ms) fit easily
        assertEquals(2000, AnytimeSchedule.next(1000, 1000, 10 * MS, 1000 * MS));
        assertEquals(64_000, AnytimeSchedule.next(1000, 32_000, 320 * MS, 5000 * MS));
    }

    @Test
    void theLastRunFillsWhatIsLeft() {
        // 32 000 units took 320 ms (10 µs each); 500 ms left: 0.9·500/0.01 = 45 000 units
        assertEquals(45_000, AnytimeSchedule.next(1000, 32_000, 320 * MS, 500 * MS));
    }

    @Test
    void neverShorterThanTheFirstRun() {
        assertEquals(1000, AnytimeSchedule.next(1000, 4000, 40 * MS, 1 * MS));
        assertEquals(1000, AnytimeSchedule.next(1000, 4000, 40 * MS, 0));
    }

    @Test
    void withoutATimingOrALimitItDoubles() {
        assertEquals(8000, AnytimeSchedule.next(1000, 4000, 0, 10 * MS));
        assertEquals(8000, AnytimeSchedule.next(1000, 4000, 40 * MS, -1));
        assertEquals(Integer.MAX_VALUE, AnytimeSchedule.next(1, Integer.MAX_VALUE - 5, 0, -1));
    }

    @Test
    void badLengthsAreNamed() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> AnytimeSchedule.next(0, 5, 1, 1));
        assertTrue(e.getMessage().contains("first 0"), e.getMessage());
    }
}
