package dev.qama.cim.sb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import org.junit.jupiter.api.Test;

class SbOptionsTest {
    @Test
    void everyProviderOfThisModuleDeclaresItsOptions() {
        for (String name : new String[] {"sb", "bsb", "dsb", "simcim", "sa", "csa"}) {
            AnnealerProvider p = Annealers.provider(name);
            assertTrue(OptionSpec.keys(p.options()).contains("threads"), name);
        }
        assertEquals(
                "ballistic",
                Annealers.provider("bsb").options().stream()
                        .filter(o -> o.key().equals("variant"))
                        .findFirst()
                        .orElseThrow()
                        .defaultValue());
    }

    @Test
    void outOfRangeValuesNameKeyValueAndDeclaredRange() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SbProvider().create(BackendOptions.parse("dt=0")));
        assertEquals("backend option dt=0 is out of range (0, 100]", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SbProvider().create(BackendOptions.parse("replicas=70000")));
        assertEquals("backend option replicas=70000 is out of range [0, 65536]", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Annealers.create("csa", BackendOptions.parse("alpha=1")));
        assertEquals("backend option alpha=1 is out of range (0, 1)", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Annealers.create("simcim", BackendOptions.parse("momentum=1")));
        assertEquals("backend option momentum=1 is out of range [0, 0.999999]", e.getMessage());
    }

    @Test
    void evalIntervalIsAutomaticByProblemKind() {
        java.util.Random rnd = new java.util.Random(3);
        dev.qama.core.model.Problem attention =
                dev.qama.cim.TestProblems.attention(2, 5, 1, true, null, rnd);
        dev.qama.core.model.Problem bqm =
                dev.qama.cim.TestProblems.model(
                        dev.qama.core.model.Vartype.SPIN,
                        dev.qama.cim.TestProblems.dense(6, rnd),
                        1.0,
                        rnd);
        SbConfig auto = SbConfig.defaults(SimulatedBifurcation.Variant.AUTO);
        assertEquals(0, auto.evalInterval());
        assertEquals(SbConfig.ATTENTION_EVAL_INTERVAL, auto.evalIntervalFor(attention));
        assertEquals(SbConfig.DEFAULT_EVAL_INTERVAL, auto.evalIntervalFor(bqm));
        SbConfig three =
                SbConfig.fromOptions(
                        SimulatedBifurcation.Variant.AUTO, BackendOptions.parse("eval-interval=3"));
        assertEquals(3, three.evalIntervalFor(attention));
        assertEquals(3, three.evalIntervalFor(bqm));
    }
}
