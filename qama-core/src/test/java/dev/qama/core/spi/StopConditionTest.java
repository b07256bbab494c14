package dev.qama.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Vartype;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopConditionTest {
    private static final List<BinaryQuadraticModel> ONE =
            List.of(BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(2)));

    @Test
    void remainingIsNullWithoutATimeLimitAndNeverMoreThanTheLimit() {
        assertNull(SolveRequest.of(ONE, 0).startClock().remaining());
        assertNull(StopCondition.never().remaining());
        Duration limit = Duration.ofHours(1);
        Duration left = SolveRequest.builder(ONE).timeLimit(limit).build().startClock().remaining();
        assertTrue(left.compareTo(limit) <= 0 && left.compareTo(Duration.ZERO) > 0, left::toString);
    }

    @Test
    void remainingIsZeroOnceTheDeadlinePassed() throws InterruptedException {
        StopCondition s =
                SolveRequest.builder(ONE).timeLimit(Duration.ofNanos(1)).build().startClock();
        Thread.sleep(2);
        assertEquals(Duration.ZERO, s.remaining());
        assertEquals(SolveStatus.TIME_LIMIT, s.reason());
    }

    @Test
    void cancellationIsTheRequestsFlag() {
        Cancellation c = new Cancellation();
        StopCondition s = SolveRequest.builder(ONE).cancellation(c).build().startClock();
        assertSame(c, s.cancellation());
        assertNull(SolveRequest.of(ONE, 0).startClock().cancellation());
    }
}
