package dev.qama.core.exact;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import java.util.List;
import java.util.Set;

/**
 * Provides {@link MilpExactBackend} as {@code "milp"} (alias {@code "ojalgo"}), rank −90 so it is
 * never the default backend.
 *
 * <p>Options: {@code max_variables} (largest number of free variables accepted, 0 … 4096; default
 * {@value MilpExactBackend#DEFAULT_MAX_VARIABLES}).
 */
public final class MilpProvider implements AnnealerProvider {
    /** The primary name. */
    public static final String NAME = "milp";

    /** The option key of the variable limit. */
    public static final String MAX_VARIABLES = "max_variables";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> aliases() {
        return List.of("ojalgo");
    }

    @Override
    public String description() {
        return "exact ground states by ojAlgo MILP branch and bound on the linearised QUBO (n <= "
                + MilpExactBackend.DEFAULT_MAX_VARIABLES
                + " by default)";
    }

    @Override
    public int rank() {
        return -90;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        o.requireOnly(Set.of(MAX_VARIABLES));
        return new MilpExactBackend(
                o.getInt(MAX_VARIABLES, MilpExactBackend.DEFAULT_MAX_VARIABLES, 0, 4096));
    }
}
