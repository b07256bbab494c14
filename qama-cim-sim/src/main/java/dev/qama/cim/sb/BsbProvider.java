package dev.qama.cim.sb;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

/**
 * Provider of {@code "bsb"}: ballistic simulated bifurcation (rank 80). Options are the keys of
 * {@link SbConfig} plus {@code threads}.
 */
public final class BsbProvider implements AnnealerProvider {
    @Override
    public String name() {
        return "bsb";
    }

    @Override
    public String description() {
        return "ballistic simulated bifurcation (Goto et al. 2021), batched replicas, structured"
                + " attention kernel";
    }

    @Override
    public int rank() {
        return 80;
    }

    @Override
    public List<OptionSpec> options() {
        return SbConfig.options(SimulatedBifurcation.Variant.BALLISTIC);
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        SbConfig c = SbConfig.fromOptions(SimulatedBifurcation.Variant.BALLISTIC, o);
        return new SbBackend(name(), c, AmplitudeBackend.threadsOption(o));
    }
}
