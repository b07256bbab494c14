package dev.qama.bench;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;

/**
 * A backend and its options written as {@code name} or {@code name:key=value,key=value}, e.g.
 * {@code sb:steps=500}.
 *
 * @param name the backend name
 * @param options its options
 */
public record SolverSpec(String name, BackendOptions options) {

    /** Parses {@code name[:key=value,...]}. */
    public static SolverSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty solver specification");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new SolverSpec(text.trim(), BackendOptions.empty());
        }
        return new SolverSpec(
                text.substring(0, colon).trim(), BackendOptions.parse(text.substring(colon + 1)));
    }

    /** Creates the backend (unknown names and options are errors listing the known ones). */
    public AnnealerBackend create() {
        return Annealers.create(name, options);
    }

    /** The label used in reports: the text it was parsed from, normalised. */
    public String label() {
        return options.asMap().isEmpty() ? name : name + ":" + optionsText();
    }

    /** The options as {@code key=value,...} sorted by key, or "" when there are none. */
    public String optionsText() {
        return String.join(
                ",",
                options.asMap().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
    }
}
