package dev.qama.cim.sb;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

/**
 * Provider of {@code "dsb"}: discrete simulated bifurcation (rank 90). Options are the keys of
 * {@link SbConfig} plus {@code threads}.
 */
public final class DsbProvider implements AnnealerProvider {
    @Override
    public String name() {
        return "dsb";
    }

    @Override
    public String description() {
        return "discrete simulated bifurcation (Goto et al. 2021), batched replicas, structured"
                + " attention kernel";
    }

    @Override
    public int rank() {
        return 90;
    }

    @Override
    public List<OptionSpec> options() {
        return SbConfig.options(SimulatedBifurcation.Variant.DISCRETE);
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        SbConfig c = SbConfig.fromOptions(SimulatedBifurcation.Variant.DISCRETE, o);
        return new SbBackend(name(), c, AmplitudeBackend.threadsOption(o));
    }
}
