package dev.qama.core.spi;

import java.util.List;

/**
 * A factory of one kind of backend, found with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.qama.core.spi.AnnealerProvider}.
 *
 * <p>When no backend is named, {@link Annealers} picks the available provider with the highest
 * {@link #rank()}.
 */
public interface AnnealerProvider {

    /** The primary name, lower case, e.g. {@code "sb"}. */
    String name();

    /** Other names it answers to (default none). */
    default List<String> aliases() {
        return List.of();
    }

    /** One line for listings: what the backend does. */
    String description();

    /** Preference as the default backend: higher wins (exact oracles use negative ranks). */
    int rank();

    /**
     * The options {@link #create} accepts, with their types, ranges, defaults and descriptions
     * (default none declared: a third-party provider may still accept options of its own).
     */
    default List<OptionSpec> options() {
        return List.of();
    }

    /**
     * Creates a backend.
     *
     * @param options knob settings; unknown keys are an error (the message lists the known ones)
     */
    AnnealerBackend create(BackendOptions options);
}
