package dev.qama.cim.sa;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

/** ServiceLoader entry for {@link SimulatedAnnealing} ("sa", rank 50). */
public final class SimulatedAnnealingProvider implements AnnealerProvider {
    @Override
    public String name() {
        return SimulatedAnnealing.NAME;
    }

    @Override
    public String description() {
        return "simulated annealing: Metropolis single-flip sweeps, geometric beta schedule";
    }

    @Override
    public int rank() {
        return 50;
    }

    @Override
    public List<OptionSpec> options() {
        return SimulatedAnnealing.OPTIONS;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        return SimulatedAnnealing.fromOptions(options == null ? BackendOptions.empty() : options);
    }
}
