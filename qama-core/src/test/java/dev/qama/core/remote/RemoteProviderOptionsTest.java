package dev.qama.core.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import org.junit.jupiter.api.Test;

class RemoteProviderOptionsTest {
    @Test
    void circuitBreakerAndHedgeAfterAreDeclaredAndAccepted() throws Exception {
        RemoteProvider p = new RemoteProvider();
        assertTrue(
                OptionSpec.keys(p.options())
                        .containsAll(java.util.List.of("circuit-breaker", "hedge-after")));
        // no connection is made when the backend is created
        AnnealerBackend b =
                p.create(
                        BackendOptions.parse(
                                "endpoints=http://127.0.0.1:9,circuit-breaker=off,hedge-after=1s"));
        assertEquals("remote", b.name());
        b.close();
    }

    @Test
    void retriesOutOfRangeNamesKeyValueAndRange() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new RemoteProvider()
                                        .create(
                                                BackendOptions.parse(
                                                        "endpoints=http://127.0.0.1:9,retries=2000")));
        assertEquals("backend option retries=2000 is out of range [0, 1000]", e.getMessage());
    }
}
