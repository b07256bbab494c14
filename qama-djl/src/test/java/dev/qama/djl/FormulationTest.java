package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qama.core.formulation.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import org.junit.jupiter.api.Test;

/** Every formulation is reachable by its name, which is its qama-core formulation's. */
class FormulationTest {

    static QamaAttentionBlock block(Formulation f) {
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(8)
                .setHeadCount(2)
                .optFormulation(f)
                .optBackend(new ExactTestBackend())
                .build();
    }

    @Test
    void cliNamesRoundTripAndAreTheCoreNames() {
        assertEquals("paper-v1", Formulation.PAPER_V1.cliName());
        assertEquals("paper-v2", Formulation.PAPER_V2.cliName());
        for (Formulation f : Formulation.values()) {
            assertSame(f, Formulation.parse(f.cliName()));
            QamaAttentionBlock block = block(f);
            assertSame(f, block.getFormulation());
            assertEquals(f.cliName(), block.getCoreFormulation().name());
            assertEquals(f.defaultBits(), block.getBits());
            assertEquals(
                    f.learnsValueImportance(),
                    block.getChildren().keys().stream()
                            .anyMatch(k -> k.contains("valueImportance")));
            float[] e = {1, 2, 3, 4};
            dev.qama.core.formulation.Formulation core =
                    f.coreFormulation(2, CouplingForm.DENSE, e);
            assertEquals(f.cliName(), core.name());
            assertEquals(2, core.bits());
        }
        assertEquals(4, Formulation.PAPER_V1.defaultBits());
        assertEquals(1, Formulation.PAPER_V2.defaultBits());
    }

    @Test
    void parseIgnoresCaseBlanksAndUnderscores() {
        assertSame(Formulation.PAPER_V2, Formulation.parse("paper_v2"));
        assertSame(Formulation.PAPER_V2, Formulation.parse(" Paper-V2 "));
        assertSame(Formulation.PAPER_V1, Formulation.parse("PAPER_V1"));
    }

    @Test
    void parseNamesTheValueAndTheValidNames() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Formulation.parse("paper-v3"));
        assertEquals("formulation 'paper-v3' is not one of paper-v1, paper-v2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Formulation.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Formulation.parse(""));
    }

    @Test
    void coreFormulationRejectsWhatDoesNotFit() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Formulation.PAPER_V2.coreFormulation(1, CouplingForm.AUTO, null));
        assertEquals("paper-v2 needs a value importance e, got null", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Formulation.PAPER_V1.coreFormulation(1, CouplingForm.LOW_RANK, null));
        assertEquals(true, e.getMessage().contains("LOW_RANK"), e.getMessage());
    }
}
