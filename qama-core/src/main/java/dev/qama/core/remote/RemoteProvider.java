package dev.qama.core.remote;

import dev.qama.core.io.IoErrors;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Provides {@link RemoteAnnealerBackend} as {@code "remote"}. Its rank is {@value #RANK}, below
 * every local solver (exact oracles included), so it is only used when selected by name ({@code
 * -Dqama.backend=remote}).
 *
 * <p>Every option can be given as a backend option {@code key=value} or as the system property
 * {@code qama.remote.KEY} (an option wins over the property):
 *
 * <ul>
 *   <li>{@code endpoints}: comma-separated base URIs (required), e.g. {@code
 *       http://10.0.0.5:8080,http://10.0.0.6:8080} (as an option, separate them with {@code ;}
 *       since {@code ,} separates options);
 *   <li>{@code token} or {@code token-file} (a file whose first line is the token);
 *   <li>{@code connect-timeout}, {@code request-timeout}, {@code backoff}, {@code max-backoff},
 *       {@code deadline-margin}, {@code deadline}, {@code poll-wait}: durations such as {@code
 *       500ms}, {@code 5s}, {@code 2m};
 *   <li>{@code circuit-breaker}: how long a failed endpoint is avoided (default 10s; {@code off}
 *       disables it); {@code hedge-after}: start the batch on a second endpoint when the first has
 *       not answered after this long (default off);
 *   <li>{@code retries}: retries after the first attempt;
 *   <li>{@code fallback}: the name of a local backend to use when every endpoint failed;
 *   <li>{@code solver}: the server-side backend name;
 *   <li>{@code seed}: the seed of the backoff jitter.
 * </ul>
 */
public final class RemoteProvider implements AnnealerProvider {
    /** The rank: below every local solver. */
    public static final int RANK = -1000;

    /** The system property prefix. */
    public static final String PREFIX = "qama.remote.";

    private static final OptionSpec RETRIES =
            OptionSpec.ofInt("retries", 4, 0, 1000, "retries after the first attempt");

    /** The declared options (durations are text such as {@code 500ms}, {@code 5s}, {@code 2m}). */
    static final List<OptionSpec> OPTIONS =
            List.of(
                    OptionSpec.ofString(
                            "endpoints",
                            null,
                            "base URIs of the servers, separated by ; (required)"),
                    OptionSpec.ofString("token", null, "bearer token"),
                    OptionSpec.ofString("token-file", null, "file whose first line is the token"),
                    OptionSpec.ofString("connect-timeout", "5s", "TCP connect timeout"),
                    OptionSpec.ofString("request-timeout", "30s", "timeout of one HTTP request"),
                    RETRIES,
                    OptionSpec.ofString("backoff", "100ms", "first retry backoff (doubles)"),
                    OptionSpec.ofString("max-backoff", "5s", "largest retry backoff"),
                    OptionSpec.ofString(
                            "deadline-margin", "30s", "time allowed beyond a job's time limit"),
                    OptionSpec.ofString("deadline", "10m", "give up on a batch after this long"),
                    OptionSpec.ofString("poll-wait", "5s", "long-poll wait per request"),
                    OptionSpec.ofString(
                            "circuit-breaker",
                            "10s",
                            "how long a failed endpoint is avoided; off disables"),
                    OptionSpec.ofString(
                            "hedge-after",
                            "off",
                            "also start a batch on a second endpoint after this long"),
                    OptionSpec.ofString(
                            "fallback", null, "local backend used when every endpoint failed"),
                    OptionSpec.ofString(
                            "solver", "", "server-side backend name (empty: its default)"),
                    OptionSpec.ofString("seed", "0", "seed of the backoff jitter (an integer)"));

    static final Set<String> KEYS = OptionSpec.keys(OPTIONS);

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public String name() {
        return RemoteAnnealerBackend.NAME;
    }

    @Override
    public String description() {
        return "a pool of annealer servers over HTTP (qama serve), with retries, fail-over and"
                + " an optional local fallback; configure with -Dqama.remote.endpoints=...";
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        BackendOptions o = options == null ? BackendOptions.empty() : options;
        o.requireOnly(KEYS);
        o = o.withSystemProperties(PREFIX, KEYS);
        String eps = o.getString("endpoints", "");
        if (eps.isBlank()) {
            throw new IllegalArgumentException(
                    "remote backend: no endpoints; set -D"
                            + PREFIX
                            + "endpoints=http://host:port[,http://host2:port] or the option"
                            + " endpoints=...");
        }
        List<URI> list = new ArrayList<>();
        for (String s : eps.split("[,;\\s]+")) {
            if (s.isBlank()) {
                continue;
            }
            try {
                list.add(URI.create(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "remote endpoint '" + s + "' is not a URI: " + e.getMessage());
            }
        }
        RemoteAnnealerBackend.Builder b = RemoteAnnealerBackend.builder(list);
        String token = o.getString("token", null);
        String tokenFile = o.getString("token-file", null);
        if (token == null && tokenFile != null) {
            token = readToken(Path.of(tokenFile));
        }
        b.token(token);
        b.connectTimeout(duration(o, "connect-timeout", Duration.ofSeconds(5)));
        b.requestTimeout(duration(o, "request-timeout", Duration.ofSeconds(30)));
        b.retries(RETRIES.intValue(o));
        b.backoff(
                duration(o, "backoff", Duration.ofMillis(100)),
                duration(o, "max-backoff", Duration.ofSeconds(5)));
        b.deadlineMargin(duration(o, "deadline-margin", Duration.ofSeconds(30)));
        b.deadline(duration(o, "deadline", Duration.ofMinutes(10)));
        b.pollWait(duration(o, "poll-wait", Duration.ofSeconds(5)));
        String cb = o.getString("circuit-breaker", null);
        if (cb != null && cb.trim().equalsIgnoreCase("off")) {
            b.circuitBreaker(Duration.ZERO);
        } else {
            b.circuitBreaker(duration(o, "circuit-breaker", Duration.ofSeconds(10)));
        }
        String hedge = o.getString("hedge-after", null);
        if (hedge != null && !hedge.trim().equalsIgnoreCase("off")) {
            b.hedgeAfter(duration(o, "hedge-after", null));
        }
        b.solver(o.getString("solver", ""));
        String seed = o.getString("seed", "0");
        try {
            b.jitterSeed(Long.parseLong(seed));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("remote option seed=" + seed + " is not an integer");
        }
        String fb = o.getString("fallback", null);
        if (fb != null && !fb.isBlank()) {
            if (fb.equalsIgnoreCase(RemoteAnnealerBackend.NAME)) {
                throw new IllegalArgumentException(
                        "remote option fallback=remote: the fallback must be a local backend");
            }
            b.fallback(Annealers.create(fb), Annealers.provider(fb).name());
        }
        return b.build();
    }

    /** Reads a token file's first line (trimmed); a clear error if it is missing or empty. */
    public static String readToken(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String t = lines.isEmpty() ? "" : lines.get(0).trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("token file " + file + " is empty");
            }
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the token file " + IoErrors.describe(file, e), e);
        }
    }

    private static Duration duration(BackendOptions o, String key, Duration def) {
        String v = o.getString(key, null);
        if (v == null) {
            return def;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "remote option " + key + "=" + v + ": " + e.getMessage());
        }
    }

    /** Parses {@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h} (positive). */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        double unit;
        String num;
        if (t.endsWith("ms")) {
            unit = 1e6;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1e9;
            num = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60e9;
            num = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3600e9;
            num = t.substring(0, t.length() - 1);
        } else {
            throw new IllegalArgumentException(
                    "duration '" + text + "' needs a unit: ms, s, m or h (e.g. 500ms, 5s)");
        }
        double v;
        try {
            v = Double.parseDouble(num.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is not a number");
        }
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("duration '" + text + "' must be positive");
        }
        return Duration.ofNanos((long) Math.min(v * unit, Long.MAX_VALUE / 2.0));
    }
}
