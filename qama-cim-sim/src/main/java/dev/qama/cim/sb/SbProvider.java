package dev.qama.cim.sb;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

/**
 * Provider of {@code "sb"}: ballistic simulated bifurcation, the default backend (rank 100).
 * Options are the keys of {@link SbConfig} (see its javadoc for defaults and trade-offs) plus
 * {@code threads}.
 */
public final class SbProvider implements AnnealerProvider {
    @Override
    public String name() {
        return "sb";
    }

    @Override
    public String description() {
        return "simulated bifurcation (Goto et al. 2021): ballistic, anytime runs alternating with"
                + " discrete and, on binary models, growing anneals; batched replicas, structured"
                + " attention kernel";
    }

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public List<OptionSpec> options() {
        return SbConfig.options(SimulatedBifurcation.Variant.AUTO);
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        SbConfig c = SbConfig.fromOptions(SimulatedBifurcation.Variant.AUTO, o);
        return new SbBackend(name(), c, AmplitudeBackend.threadsOption(o));
    }
}
