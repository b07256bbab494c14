package dev.qama.cim.sa;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

/** ServiceLoader entry for {@link CsaBaseline} ("csa", rank 10). */
public final class CsaBaselineProvider implements AnnealerProvider {
    @Override
    public String name() {
        return CsaBaseline.NAME;
    }

    @Override
    public String description() {
        return "port of the QAMA authors' c_sa simulated annealing (baseline), local search fixed";
    }

    @Override
    public int rank() {
        return 10;
    }

    @Override
    public List<OptionSpec> options() {
        return CsaBaseline.OPTIONS;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        return CsaBaseline.fromOptions(options == null ? BackendOptions.empty() : options);
    }
}
