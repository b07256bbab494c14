package dev.qama.djl;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendOptions;

/** Makes {@link ExactTestBackend} selectable by name ("test-exact") in this module's tests. */
public final class ExactTestProvider implements AnnealerProvider {
    @Override
    public String name() {
        return "test-exact";
    }

    @Override
    public String description() {
        return "brute force (<= 16 free bits) or seeded greedy descent; qama-djl tests only";
    }

    @Override
    public int rank() {
        return -100;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        return new ExactTestBackend();
    }
}
