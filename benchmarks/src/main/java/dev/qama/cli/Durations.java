package dev.qama.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations written as a positive decimal number and a unit: {@code ms}, {@code s}, {@code
 * m} or {@code h} (e.g. {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}). A bare number is
 * rejected, since its unit would be a guess.
 */
public final class Durations implements ITypeConverter<Duration> {
    private static final Pattern FORMAT =
            Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(ms|s|m|h)");
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the bad text and the accepted forms
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "bad duration '"
                            + text
                            + "': expected a number and a unit ms, s, m or h (e.g. 500ms, 2s, 1m)");
        }
        long unitNanos =
                switch (m.group(2)) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("duration '" + text + "' is too long");
        }
        long ns = nanos.longValue();
        if (ns <= 0) {
            throw new IllegalArgumentException("duration '" + text + "' must be positive");
        }
        return Duration.ofNanos(ns);
    }

    /** Formats a duration the way {@link #parse} reads it (for messages and help). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0 && ms > 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
