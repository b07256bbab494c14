package dev.qama.core.cpqc;

import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends the rounded task (a SPIN model over n+1 spins with integer couplings and no linear terms)
 * to an endpoint speaking this library's protocol, e.g. a gateway next to the machine, through a
 * {@link RemoteAnnealerBackend} (retries, fail-over and energy re-validation included). The answer
 * names the endpoint that actually served it.
 */
public final class RemoteTransport implements CpqcTransport {
    private final RemoteAnnealerBackend remote;

    /** With the client to use. */
    public RemoteTransport(RemoteAnnealerBackend remote) {
        this.remote = remote;
    }

    @Override
    public String describe() {
        return "remote" + remote.endpoints();
    }

    @Override
    public Answer solve(IsingMapping m, String task, int reads, long seed, Duration timeLimit) {
        BatchResult r =
                remote.solve(
                        SolveRequest.builder(List.of(m.integerModel(false)))
                                .seed(seed)
                                .reads(reads)
                                .timeLimit(timeLimit)
                                .build());
        SolveResult s = r.get(0);
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < s.size(); k++) {
            out.add(s.state(k));
        }
        return new Answer(out, r.backend());
    }
}
