package dev.qama.cim.server;

import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.testkit.AnnealerBackendContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The backend contract kit through a loopback server that solves with the stochastic "sa" backend:
 * seeds (root and explicit per-problem ones) must travel over the wire for the results to be
 * reproducible and independent of the batch.
 */
class RemoteSaContractTest extends AnnealerBackendContract {
    private static AnnealerServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server =
                AnnealerServer.builder()
                        .backend("sa", Annealers.create("sa"))
                        .workers(2)
                        .build()
                        .start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(Duration.ZERO);
    }

    @Override
    protected AnnealerBackend backend() {
        return RemoteAnnealerBackend.builder(List.of(server.uri())).build();
    }
}
