package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qama.core.io.BiqMacFormat;
import dev.qama.core.model.BinaryQuadraticModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's example: {@code ./qama solve --solver exact} on a 20-variable QUBO. */
class ExactSolveTest {
    static final Path RAND20 = Path.of("../qama-core/src/test/resources/instances/rand20.sparse");

    private static Map<String, Object> solve(String solver) {
        CliRun run =
                CliRun.of(
                        "solve",
                        "--input",
                        RAND20.toString(),
                        "--format",
                        "biqmac",
                        "--solver",
                        solver,
                        "--json",
                        "--state");
        assertEquals(0, run.exitCode(), run.err());
        return MiniJson.object(run.out());
    }

    @Test
    void exactAndMilpAgreeOnTheTwentyVariableInstance() throws IOException {
        Map<String, Object> exact = solve("exact");
        Map<String, Object> milp = solve("milp");
        assertEquals(20.0, exact.get("n"));
        assertEquals("exact", exact.get("solver"));
        assertEquals("milp", milp.get("solver"));
        double e = (Double) exact.get("energy");
        assertEquals(e, (Double) milp.get("energy"), 1e-9);

        // the optimum is verified independently by enumerating all 2^20 states here
        BinaryQuadraticModel m = BiqMacFormat.read(RAND20);
        double best = Double.POSITIVE_INFINITY;
        byte[] x = new byte[20];
        for (int mask = 0; mask < (1 << 20); mask++) {
            for (int i = 0; i < 20; i++) {
                x[i] = (byte) ((mask >>> i) & 1);
            }
            best = Math.min(best, m.energyUnchecked(x));
        }
        assertEquals(best, e, 1e-9);
    }
}
