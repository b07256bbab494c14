package dev.qama.core.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Discovery of annealer backends through {@link ServiceLoader}.
 *
 * <p>The default backend is, in this order: the system property {@value #PROPERTY}, the environment
 * variable {@value #ENVIRONMENT}, or the available provider with the highest rank. An unknown name
 * is an error that lists the known ones.
 */
public final class Annealers {
    /** System property naming the default backend. */
    public static final String PROPERTY = "qama.backend";

    /** Environment variable naming the default backend. */
    public static final String ENVIRONMENT = "QAMA_BACKEND";

    private Annealers() {}

    /** Every provider on the class path, highest rank first (ties by name). */
    public static List<AnnealerProvider> providers() {
        List<AnnealerProvider> out = new ArrayList<>();
        for (AnnealerProvider p : ServiceLoader.load(AnnealerProvider.class, loader())) {
            out.add(p);
        }
        out.sort(
                Comparator.comparingInt(AnnealerProvider::rank)
                        .reversed()
                        .thenComparing(AnnealerProvider::name));
        return out;
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Annealers.class.getClassLoader();
    }

    /** The names of the available providers, highest rank first. */
    public static List<String> names() {
        return providers().stream().map(AnnealerProvider::name).collect(Collectors.toList());
    }

    /**
     * The provider answering to {@code name} (case-insensitive, aliases included).
     *
     * @throws IllegalArgumentException listing the known names if there is none
     */
    public static AnnealerProvider provider(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("backend name is empty; known: " + describeKnown());
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (AnnealerProvider p : providers()) {
            if (p.name().equalsIgnoreCase(key)
                    || p.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(key))) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown annealer backend '" + name + "'; known: " + describeKnown());
    }

    private static String describeKnown() {
        List<AnnealerProvider> ps = providers();
        if (ps.isEmpty()) {
            return "(none on the class path)";
        }
        return ps.stream()
                .map(p -> p.aliases().isEmpty() ? p.name() : p.name() + " " + p.aliases())
                .collect(Collectors.joining(", "));
    }

    /** Creates the named backend with default options. */
    public static AnnealerBackend create(String name) {
        return provider(name).create(BackendOptions.empty());
    }

    /** Creates the named backend with options. */
    public static AnnealerBackend create(String name, BackendOptions options) {
        return provider(name).create(options);
    }

    /**
     * The backend configured by {@value #PROPERTY}, else {@value #ENVIRONMENT}, resolved to its
     * provider's name; null when neither is set.
     *
     * @throws IllegalArgumentException naming the setting the unknown name came from
     */
    public static String configuredName() {
        String source = "system property " + PROPERTY;
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            source = "environment variable " + ENVIRONMENT;
            configured = System.getenv(ENVIRONMENT);
        }
        if (configured == null || configured.isBlank()) {
            return null;
        }
        try {
            return provider(configured).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown annealer backend '"
                            + configured.trim()
                            + "' (from the "
                            + source
                            + "); known: "
                            + describeKnown(),
                    e);
        }
    }

    /**
     * The name of the default backend: {@value #PROPERTY}, else {@value #ENVIRONMENT}, else the
     * highest-ranked provider.
     *
     * @throws IllegalArgumentException if the configured name is unknown (naming its source)
     * @throws IllegalStateException if nothing is configured and no provider is on the class path
     */
    public static String defaultName() {
        String configured = configuredName();
        if (configured != null) {
            return configured;
        }
        List<AnnealerProvider> ps = providers();
        if (ps.isEmpty()) {
            throw new IllegalStateException(
                    "no annealer backend on the class path: add qama-cim-sim (or another provider)");
        }
        return ps.get(0).name();
    }

    /** Creates the default backend with default options. */
    public static AnnealerBackend createDefault() {
        return create(defaultName());
    }
}
