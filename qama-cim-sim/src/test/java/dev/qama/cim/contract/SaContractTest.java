package dev.qama.cim.contract;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.testkit.AnnealerBackendContract;

/** The qama-core contract test kit, run on the "sa" backend as users get it by name. */
class SaContractTest extends AnnealerBackendContract {
    @Override
    protected AnnealerBackend backend() {
        return Annealers.create("sa");
    }

    @Override
    protected AnnealerBackend backend(int threads) {
        return Annealers.create(
                "sa", BackendOptions.empty().with("threads", Integer.toString(threads)));
    }

    @Override
    protected boolean honoursWarmStarts() {
        return true;
    }
}
