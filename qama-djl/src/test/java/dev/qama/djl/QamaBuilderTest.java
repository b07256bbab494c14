package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import org.junit.jupiter.api.Test;

/** The builder validates like DJL's and never changes while building. */
class QamaBuilderTest {

    @Test
    void aReusedBuilderResolvesDefaultsAfresh() {
        QamaAttentionBlock.Builder b =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(8)
                        .setHeadCount(2)
                        .optBackend(new ExactTestBackend());
        assertEquals(1, b.build().getBits(), "paper-v2 default");
        QamaAttentionBlock v1 = b.optFormulation(Formulation.PAPER_V1).build();
        assertEquals(4, v1.getBits(), "paper-v1 default, not the bits of the first build");
        assertEquals(2, b.optBits(2).build().getBits());
    }

    @Test
    void headAndEmbeddingCountsMustBePositive() {
        for (int h : new int[] {0, -3}) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    QamaAttentionBlock.builder()
                                            .setEmbeddingSize(8)
                                            .setHeadCount(h)
                                            .build());
            assertTrue(
                    h == 0
                            ? e.getMessage().contains("setHeadCount")
                            : e.getMessage().contains("must be >= 1, got -3"),
                    e.getMessage());
        }
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                QamaAttentionBlock.builder()
                                        .setEmbeddingSize(-8)
                                        .setHeadCount(2)
                                        .build());
        assertTrue(e.getMessage().contains("got -8"), e.getMessage());
    }

    @Test
    void outputShapesCheckTheEmbeddingWidth() {
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(8)
                        .setHeadCount(2)
                        .optBackend(new ExactTestBackend())
                        .build();
        assertEquals(
                new Shape(3, 5, 8), block.getOutputShapes(new Shape[] {new Shape(3, 5, 8)})[0]);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> block.getOutputShapes(new Shape[] {new Shape(3, 5, 6)}));
        assertTrue(e.getMessage().contains("E=8") && e.getMessage().contains("(3, 5, 6)"));
        assertThrows(
                IllegalArgumentException.class,
                () -> block.getOutputShapes(new Shape[] {new Shape(3, 5)}));
    }

    @Test
    void aConfiguredBackendNameIsResolvedAtBuildAndNamesItsSource() {
        String old = System.getProperty("qama.backend");
        System.setProperty("qama.backend", "no-such-solver");
        try {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    QamaAttentionBlock.builder()
                                            .setEmbeddingSize(8)
                                            .setHeadCount(2)
                                            .build());
            assertTrue(
                    e.getMessage().contains("'no-such-solver'")
                            && e.getMessage().contains("system property qama.backend"),
                    e.getMessage());
            // an explicit backend wins over the property
            QamaAttentionBlock.builder()
                    .setEmbeddingSize(8)
                    .setHeadCount(2)
                    .optBackend(new ExactTestBackend())
                    .build();
            System.setProperty("qama.backend", "sb");
            assertEquals(
                    "sb",
                    QamaAttentionBlock.builder()
                            .setEmbeddingSize(8)
                            .setHeadCount(2)
                            .build()
                            .getBackend()
                            .name());
        } finally {
            if (old == null) {
                System.clearProperty("qama.backend");
            } else {
                System.setProperty("qama.backend", old);
            }
        }
    }
}
