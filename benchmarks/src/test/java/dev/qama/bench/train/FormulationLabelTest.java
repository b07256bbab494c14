package dev.qama.bench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qama.bench.AttentionWorkload;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmarks reach every formulation through its one name. */
class FormulationLabelTest {

    @Test
    void everyFormulationIsReachableByItsNameAndLabelled() {
        for (Formulation f : Formulation.values()) {
            assertSame(f, TrainSpec.formulation(f.cliName()));
            AttentionWorkload.Spec spec =
                    new AttentionWorkload.Spec(
                            f.cliName().toUpperCase(java.util.Locale.ROOT),
                            1,
                            2,
                            3,
                            2,
                            1,
                            CouplingForm.AUTO);
            assertEquals(f.cliName(), spec.formulation());
            var problems = AttentionWorkload.problems(spec, 1);
            assertEquals(1, problems.size());
            assertEquals(2, problems.get(0).heads());
            assertEquals(3, problems.get(0).tokens());
            assertEquals(1, problems.get(0).bits());
        }
        assertEquals("v1", RunReport.formulationLabel("paper-v1"));
        assertEquals("v2", RunReport.formulationLabel("paper-v2"));
        assertEquals("other", RunReport.formulationLabel("other"));
        assertEquals(
                "qama v1 paper (sb)",
                RunReport.label(
                        Map.of(
                                "attention", "qama",
                                "formulation", "paper-v1",
                                "output_mode", "paper",
                                "solver", "sb")));
        assertEquals(
                "qama v2 selected-keys (sb) β=2 γ=0.3 warm-up 0 reads=4 averaged",
                RunReport.label(
                        Map.of(
                                "attention",
                                "qama",
                                "formulation",
                                "paper-v2",
                                "output_mode",
                                "selected-keys",
                                "solver",
                                "sb",
                                "unselected_penalty",
                                2.0,
                                "energy_scale",
                                0.3,
                                "selection_warmup",
                                0,
                                "reads",
                                4,
                                "average_reads",
                                true)));
        assertEquals(
                "qama v2 selected-keys (sb)",
                RunReport.label(
                        Map.of(
                                "attention",
                                "qama",
                                "formulation",
                                "paper-v2",
                                "output_mode",
                                "selected-keys",
                                "solver",
                                "sb",
                                "unselected_penalty",
                                dev.qama.djl.QamaAttentionBlock.DEFAULT_UNSELECTED_PENALTY,
                                "energy_scale",
                                dev.qama.djl.QamaAttentionBlock.DEFAULT_ENERGY_SCALE,
                                "selection_warmup",
                                dev.qama.djl.QamaAttentionBlock.DEFAULT_SELECTION_WARMUP)),
                "β, γ and the warm-up in effect are not named when they are the defaults");
    }

    @Test
    void olderResultFilesWithoutBetaUsedTheDefaultOfTheirTime() {
        Map<String, Object> older =
                Map.of(
                        "attention",
                        "qama",
                        "formulation",
                        "paper-v2",
                        "output_mode",
                        "selected-keys",
                        "solver",
                        "sb",
                        "selection_warmup",
                        150);
        assertEquals(0.5, RunReport.unselectedPenalty(older));
        assertEquals("qama v2 selected-keys (sb) β=0.5 warm-up 150", RunReport.label(older));
        assertEquals(null, RunReport.unselectedPenalty(Map.of("attention", "classical")));
        assertEquals(2.0, RunReport.unselectedPenalty(Map.of("unselected_penalty", 2)));
    }

    @Test
    void aBadNameIsNamedWithTheValidOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TrainSpec.formulation("v2"));
        assertEquals(
                "--formulation: formulation 'v2' is not one of paper-v1, paper-v2", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new AttentionWorkload.Spec("v2", 1, 1, 1, 1, 1, CouplingForm.AUTO));
        assertEquals("formulation 'v2' is not one of paper-v1, paper-v2", e.getMessage());
    }
}
