package dev.qama.core.cpqc;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.testkit.AnnealerBackendContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract kit, run on the cpqc backend with the file-exchange transport on a temporary
 * directory, a {@link VendorResponder} thread playing the machine: it answers every task of at most
 * 24 spins exactly and leaves larger ones unanswered, so the stop tests (the default large problem:
 * 549 variables, 550 spins) exercise the transport's wait for {@code solution.json}. No hook is
 * overridden; {@code allowPrecisionLoss} is set for the kit's random couplings as in {@link
 * CpqcContractTest}.
 */
class CpqcFileExchangeContractTest extends AnnealerBackendContract {
    @TempDir Path dir;
    private VendorResponder vendor;

    @Override
    protected AnnealerBackend backend() {
        return CpqcBackend.builder(
                        new FileExchangeTransport(
                                dir, Duration.ofMillis(5), Duration.ofSeconds(20), false))
                .allowPrecisionLoss(true)
                .build();
    }

    @BeforeEach
    void startVendor() {
        vendor = new VendorResponder(dir, false, 24);
    }

    @AfterEach
    void stopVendor() throws InterruptedException {
        vendor.close();
    }
}
