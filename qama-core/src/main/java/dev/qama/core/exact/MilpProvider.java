package dev.qama.core.exact;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

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

    private static final OptionSpec MAX_VARIABLES_OPTION =
            OptionSpec.ofInt(
                    MAX_VARIABLES,
                    MilpExactBackend.DEFAULT_MAX_VARIABLES,
                    0,
                    4096,
                    "largest number of free variables accepted");

    @Override
    public List<OptionSpec> options() {
        return List.of(MAX_VARIABLES_OPTION);
    }

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
        OptionSpec.requireDeclared(o, options());
        return new MilpExactBackend(MAX_VARIABLES_OPTION.intValue(o));
    }
}
