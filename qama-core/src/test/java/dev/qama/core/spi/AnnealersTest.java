package dev.qama.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnealersTest {

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Annealers.create("nope"));
        String msg = e.getMessage();
        assertTrue(msg.contains("'nope'"), msg);
        assertTrue(msg.contains("exact") && msg.contains("milp"), msg);
        assertTrue(msg.contains("brute-force") && msg.contains("ojalgo"), msg);
        assertThrows(IllegalArgumentException.class, () -> Annealers.provider(" "));
    }

    @Test
    void providersAreSortedByRank() {
        List<AnnealerProvider> ps = Annealers.providers();
        for (int k = 1; k < ps.size(); k++) {
            assertTrue(ps.get(k - 1).rank() >= ps.get(k).rank());
        }
        assertTrue(Annealers.names().containsAll(List.of("exact", "milp")));
    }

    @Test
    void systemPropertySelectsTheDefault() {
        String old = System.getProperty(Annealers.PROPERTY);
        try {
            System.setProperty(Annealers.PROPERTY, "BruteForce");
            assertEquals("exact", Annealers.defaultName());
            try (AnnealerBackend b = Annealers.createDefault()) {
                assertEquals("exact", b.name());
            }
            System.setProperty(Annealers.PROPERTY, "ojalgo");
            assertEquals("milp", Annealers.defaultName());
            System.setProperty(Annealers.PROPERTY, "no-such-backend");
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, Annealers::defaultName);
            assertTrue(e.getMessage().contains("no-such-backend"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Annealers.PROPERTY);
            } else {
                System.setProperty(Annealers.PROPERTY, old);
            }
        }
    }

    @Test
    void withoutConfigurationTheHighestRankWins() {
        String old = System.getProperty(Annealers.PROPERTY);
        String env = System.getenv(Annealers.ENVIRONMENT);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                old == null && (env == null || env.isBlank()), "a default is configured");
        assertEquals(Annealers.providers().get(0).name(), Annealers.defaultName());
    }
}
