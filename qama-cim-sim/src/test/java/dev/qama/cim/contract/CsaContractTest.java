package dev.qama.cim.contract;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.testkit.AnnealerBackendContract;

/**
 * The qama-core contract test kit, run on the "csa" backend as users get it by name.
 *
 * <p>csa is the port of the QAMA authors' c_sa, kept as the baseline to beat: its schedule starts
 * at T0 = 1000 whatever the energy scale and its patience ends most runs while the temperature is
 * still far above the couplings, so it is not expected to find the optimum even of small problems
 * (every other contract — valid states, energies, seeds, limits, masks — still applies).
 */
class CsaContractTest extends AnnealerBackendContract {
    @Override
    protected AnnealerBackend backend() {
        return Annealers.create("csa");
    }

    @Override
    protected int expectsOptimumUpTo() {
        return 0;
    }

    @Override
    protected int chainLength() {
        return 0;
    }

    @Override
    protected AnnealerBackend backend(int threads) {
        return Annealers.create(
                "csa", BackendOptions.empty().with("threads", Integer.toString(threads)));
    }
}
