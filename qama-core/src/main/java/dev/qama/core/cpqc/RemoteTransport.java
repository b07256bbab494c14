package dev.qama.core.cpqc;

import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.BatchResult;
import java.time.Duration;

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
        return BackendTasks.solve(remote, m, reads, seed, timeLimit, BatchResult::backend);
    }
}
