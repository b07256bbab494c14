package dev.qama.cim.contract;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.testkit.AnnealerBackendContract;

/** The qama-core contract test kit, run on the "dsb" backend as users get it by name. */
class DsbContractTest extends AnnealerBackendContract {
    @Override
    protected AnnealerBackend backend() {
        return Annealers.create("dsb");
    }

    @Override
    protected AnnealerBackend backend(int threads) {
        return Annealers.create(
                "dsb", BackendOptions.empty().with("threads", Integer.toString(threads)));
    }

    @Override
    protected boolean honoursWarmStarts() {
        return true;
    }
}
