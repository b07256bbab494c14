package dev.qama.cim.server;

import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.testkit.AnnealerBackendContract;
import dev.qama.core.testkit.RandomProblems;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend contract kit, run through a loopback server that solves with the exact backend. */
class RemoteContractTest extends AnnealerBackendContract {
    private static AnnealerServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server =
                AnnealerServer.builder()
                        .backend("exact", new BruteForceBackend(2))
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
        return RemoteAnnealerBackend.builder(List.of(server.uri())).maxVariables(30).build();
    }

    @Override
    protected Problem largeProblem() {
        return RandomProblems.dense(Vartype.SPIN, 28, 99);
    }
}
