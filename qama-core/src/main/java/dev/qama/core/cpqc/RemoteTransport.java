package dev.qama.core.cpqc;

import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.StopCondition;

/**
 * Sends the rounded task (a SPIN model over n+1 spins with integer couplings and no linear terms)
 * to an endpoint speaking this library's protocol, e.g. a gateway next to the machine, through a
 * {@link RemoteAnnealerBackend} (retries, fail-over and energy re-validation included). The answer
 * names the endpoint that actually served it. The client gets the batch's remaining time as its
 * time limit and its cancellation flag, and sees the caller's interrupt (it cancels the job on the
 * server and returns with status INTERRUPTED); its {@code maxVariables} is the transport's {@link
 * #maxSpins()}.
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

    /** The client's variable limit: a task of n+1 spins is a problem of n+1 variables. */
    @Override
    public int maxSpins() {
        return remote.capabilities().maxVariables();
    }

    @Override
    public Answer solve(IsingMapping m, String task, int reads, long seed, StopCondition stop) {
        return BackendTasks.solve(remote, m, reads, seed, stop, BatchResult::backend);
    }
}
