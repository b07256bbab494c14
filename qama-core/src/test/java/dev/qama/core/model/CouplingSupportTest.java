package dev.qama.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CouplingSupportTest {

    @Test
    void minAbsNonZeroSkipsZerosAndIsZeroWithoutEntries() {
        assertEquals(0.25, CouplingSupport.minAbsNonZero(new float[] {0f, -0.25f, 3f, -0f}), 0);
        assertEquals(0, CouplingSupport.minAbsNonZero(new float[] {0f, -0f}), 0);
        assertEquals(0, CouplingSupport.minAbsNonZero(new float[0]), 0);
    }

    @Test
    void denseExportRefusedAboveTheLimitOnly() {
        CouplingSupport.checkDenseExport(4, 4);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CouplingSupport.checkDenseExport(5, 4));
        assertEquals("refusing a dense export of 5 variables (limit 4)", e.getMessage());
    }
}
