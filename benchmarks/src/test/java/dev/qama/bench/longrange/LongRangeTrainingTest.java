package dev.qama.bench.longrange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LongRangeTrainingTest {

    @ParameterizedTest
    @ValueSource(strings = {"classical", "qama"})
    void aTinyRunTrainsAndEvaluates(String attention) {
        LongRangeTraining.Options o = new LongRangeTraining.Options();
        o.attention = attention;
        o.length = 48;
        o.keys = 2;
        o.values = 2;
        o.trainSize = 16;
        o.testSize = 8;
        o.dim = 8;
        o.heads = 2;
        o.batch = 4;
        o.steps = 3;
        LongRangeTraining.Result r = LongRangeTraining.run(o, null);
        assertEquals(0.5, r.chance());
        assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1);
        assertEquals(0, r.accuracy() * 8 % 1, 1e-9, "a whole number of the 8 test examples");
        assertTrue(Double.isFinite(r.firstLoss()) && r.firstLoss() > 0);
        assertTrue(r.seconds() > 0);
    }

    @Test
    void badOptionsAreNamed() {
        LongRangeTraining.Options o = new LongRangeTraining.Options();
        o.dim = 10;
        o.heads = 4;
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LongRangeTraining.run(o, null));
        assertTrue(e.getMessage().contains("dim (10)"), e.getMessage());
        o.heads = 2;
        o.attention = "linear";
        e = assertThrows(IllegalArgumentException.class, () -> LongRangeTraining.run(o, null));
        assertTrue(e.getMessage().contains("'linear'"), e.getMessage());
    }
}
