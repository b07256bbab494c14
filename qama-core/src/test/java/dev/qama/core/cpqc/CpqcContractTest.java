package dev.qama.core.cpqc;

import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.testkit.AnnealerBackendContract;

/**
 * The backend contract kit, run on the cpqc backend with the emulator transport (the exact backend
 * standing in for the machine, so the spin limit is its 30). The kit's random problems have
 * couplings whose dynamic range does not survive 8-bit rounding, which the backend refuses by
 * default; {@code allowPrecisionLoss} is the user's setting for accepting that, not a contract
 * hook. No hook is overridden: the stop tests run on the default large problem (29 variables, 2³⁰
 * states for the emulator), and the optimum checks hold on the kit's fixed problems despite the
 * rounding.
 */
class CpqcContractTest extends AnnealerBackendContract {
    @Override
    protected AnnealerBackend backend() {
        return CpqcBackend.builder(new EmulatedTransport(new BruteForceBackend(2)))
                .allowPrecisionLoss(true)
                .build();
    }
}
