package dev.qama.core.exact;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;

/**
 * Provides {@link BruteForceBackend} as {@code "exact"} (aliases {@code "brute-force"}, {@code
 * "bruteforce"}). Its rank is negative, so it is never chosen as the default backend.
 *
 * <p>Options: {@code threads} (worker threads per problem, 1 … 1024; default the number of
 * available processors).
 */
public final class ExactProvider implements AnnealerProvider {
    /** The primary name. */
    public static final String NAME = "exact";

    /** The option key of the worker thread count. */
    public static final String THREADS = "threads";

    private static final OptionSpec THREADS_OPTION =
            OptionSpec.ofInt(
                    THREADS, "available processors", 1, 1024, "worker threads per problem");

    @Override
    public List<OptionSpec> options() {
        return List.of(THREADS_OPTION);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> aliases() {
        return List.of("brute-force", "bruteforce");
    }

    @Override
    public String description() {
        return "exact ground states by Gray-code enumeration (multi-threaded, n <= "
                + BruteForceBackend.MAX_VARIABLES
                + ")";
    }

    @Override
    public int rank() {
        return -100;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        OptionSpec.requireDeclared(o, options());
        int threads = THREADS_OPTION.intValue(o, Runtime.getRuntime().availableProcessors());
        return new BruteForceBackend(threads);
    }
}
