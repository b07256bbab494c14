package dev.qama.cim.server;

import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test backend whose answer is the seed it was given: bit i of problem k's state is bit i of
 * {@code request.problemSeed(k)} (so a test sees which seed reached the server).
 */
final class SeedEchoBackend implements AnnealerBackend {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(64, 0, false, true, false);
    }

    /** The state this backend returns for {@code p} solved with {@code seed}. */
    static byte[] state(Problem p, long seed) {
        byte[] s = new byte[p.numVariables()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ((seed >>> i) & 1) == 1 ? p.vartype().high() : p.vartype().low();
        }
        return s;
    }

    @Override
    public BatchResult solve(SolveRequest request) {
        List<SolveResult> out = new ArrayList<>();
        for (int k = 0; k < request.problems().size(); k++) {
            Problem p = request.problems().get(k);
            byte[][] reads = new byte[request.reads()][];
            for (int r = 0; r < reads.length; r++) {
                reads[r] = state(p, request.problemSeed(k));
            }
            out.add(SolveResult.of(p, reads, SolveStatus.COMPLETED, request.problemSeed(k)));
        }
        return new BatchResult(name(), request.seed(), out, Map.of(BatchResult.TOTAL_SECONDS, 0.0));
    }
}
