package dev.qama.core.cpqc;

import dev.qama.core.remote.RemoteAnnealerBackend;
import dev.qama.core.remote.RemoteProvider;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import java.nio.file.Path;
import java.util.Set;

/**
 * Provides {@link CpqcBackend} as {@code "cpqc"} (rank {@value #RANK}: never the default).
 *
 * <p>Options (also read from system properties {@code qama.cpqc.KEY}; options win):
 *
 * <ul>
 *   <li>{@code transport}: {@code file} (default), {@code http} or {@code emulate};
 *   <li>file: {@code dir} (default {@code cpqc-jobs}), {@code poll} (default 2s), {@code timeout}
 *       (default 1h), {@code negate} (write −K);
 *   <li>http: {@code endpoints} (separated by {@code ;}), {@code token}, {@code token-file};
 *   <li>emulate: {@code emulator}, the local backend standing in for the machine (default exact);
 *   <li>{@code max-spins} (550), {@code bits} (8), {@code max-relative-error} (0.5), {@code
 *       allow-precision-loss} (false), {@code passes} (2), {@code prefix} (qama-).
 * </ul>
 */
public final class CpqcProvider implements AnnealerProvider {
    /** The rank: below every local solver. */
    public static final int RANK = -900;

    static final Set<String> KEYS =
            Set.of(
                    "transport",
                    "dir",
                    "poll",
                    "timeout",
                    "negate",
                    "endpoints",
                    "token",
                    "token-file",
                    "emulator",
                    "max-spins",
                    "bits",
                    "max-relative-error",
                    "allow-precision-loss",
                    "passes",
                    "prefix");

    @Override
    public String name() {
        return CpqcBackend.NAME;
    }

    @Override
    public String description() {
        return "QBoson CPQC adapter: 8-bit Ising tasks (550 spins) through file exchange, an HTTP"
                + " gateway or a local emulator";
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        o.requireOnly(KEYS);
        o = o.withSystemProperties("qama.cpqc.", KEYS);
        String t = o.getString("transport", "file");
        CpqcTransport transport;
        switch (t) {
            case "file":
                transport =
                        new FileExchangeTransport(
                                Path.of(o.getString("dir", "cpqc-jobs")),
                                RemoteProvider.parseDuration(o.getString("poll", "2s")),
                                RemoteProvider.parseDuration(o.getString("timeout", "1h")),
                                o.getBoolean("negate", false));
                break;
            case "http":
                {
                    BackendOptions ro = BackendOptions.empty();
                    for (String k : new String[] {"endpoints", "token", "token-file"}) {
                        String v = o.getString(k, null);
                        if (v != null) {
                            ro = ro.with(k, v);
                        }
                    }
                    transport =
                            new RemoteTransport(
                                    (RemoteAnnealerBackend) new RemoteProvider().create(ro));
                    break;
                }
            case "emulate":
                transport =
                        new EmulatedTransport(Annealers.create(o.getString("emulator", "exact")));
                break;
            default:
                throw new IllegalArgumentException(
                        "cpqc option transport=" + t + " is not file, http or emulate");
        }
        return CpqcBackend.builder(transport)
                .maxSpins(o.getInt("max-spins", CpqcBackend.CPQC_SPINS, 2, 1 << 20))
                .bits(o.getInt("bits", 8, 2, 16))
                .maxRelativeError(o.getDouble("max-relative-error", 0.5, 1e-9, 1))
                .allowPrecisionLoss(o.getBoolean("allow-precision-loss", false))
                .passes(o.getInt("passes", 2, 1, 100))
                .taskPrefix(o.getString("prefix", "qama-"))
                .build();
    }
}
