package dev.qama.cim.simcim;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

/**
 * Provider of {@code "simcim"} (rank 50). Options are the keys of {@link SimCimConfig} plus {@code
 * threads}.
 */
public final class SimCimProvider implements AnnealerProvider {
    @Override
    public String name() {
        return "simcim";
    }

    @Override
    public String description() {
        return "SimCIM (Tiunov et al. 2019): noisy clipped amplitudes with momentum";
    }

    @Override
    public int rank() {
        return 50;
    }

    @Override
    public List<OptionSpec> options() {
        return SimCimConfig.OPTIONS;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        return new SimCimBackend(SimCimConfig.fromOptions(o), AmplitudeBackend.threadsOption(o));
    }
}
