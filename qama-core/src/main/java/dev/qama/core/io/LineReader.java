package dev.qama.core.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Reads a text file line by line for the format readers: skips blank lines (and {@code #} comments
 * when enabled), splits the rest into whitespace-separated tokens, parses numbers strictly and
 * builds {@link FormatException}s that name the source, the line and its text.
 */
final class LineReader {
    private static final int MAX_QUOTED = 80;

    // a plain decimal number: no hex, no "NaN", no "Infinity", no type suffix
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private final BufferedReader in;
    private final String source;
    private final boolean comments;
    private int lineNo;
    private String text = "";
    private String[] tokens = new String[0];

    LineReader(Reader reader, String source, boolean comments) {
        if (reader == null) {
            throw new IllegalArgumentException("reader of " + source + " is null");
        }
        this.in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        this.source = source == null || source.isBlank() ? "<input>" : source;
        this.comments = comments;
    }

    /** The name to show for a path: the path as given. */
    static String sourceName(Path path) {
        return path.toString();
    }

    /** The file name without its last extension ("dir/G14.txt" → "G14"). */
    static String baseName(String source) {
        String s = source.replace('\\', '/');
        s = s.substring(s.lastIndexOf('/') + 1);
        int dot = s.lastIndexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }

    String source() {
        return source;
    }

    /**
     * Advances to the next line with content.
     *
     * @return false at the end of the input
     */
    boolean next() throws IOException {
        while (true) {
            String raw;
            try {
                raw = in.readLine();
            } catch (CharacterCodingException e) {
                throw new FormatException(
                        source, 0, "not a text file (invalid UTF-8 after line " + lineNo + ")", e);
            }
            if (raw == null) {
                text = "";
                tokens = new String[0];
                return false;
            }
            lineNo++;
            String content = raw;
            if (comments) {
                int hash = content.indexOf('#');
                if (hash >= 0) {
                    content = content.substring(0, hash);
                }
            }
            content = content.strip();
            if (content.isEmpty()) {
                continue;
            }
            text = raw.strip();
            tokens = content.split("\\s+");
            return true;
        }
    }

    /** The current line number (1-based; after the end, the number of the last line). */
    int line() {
        return lineNo;
    }

    /** The number of tokens on the current line. */
    int count() {
        return tokens.length;
    }

    String token(int k) {
        return tokens[k];
    }

    /** Requires the current line to have one of the given token counts. */
    void expectTokens(String what, int... allowed) {
        for (int a : allowed) {
            if (tokens.length == a) {
                return;
            }
        }
        String expected =
                allowed.length == 1
                        ? String.valueOf(allowed[0])
                        : Arrays.toString(allowed).replace(", ", " or ").replaceAll("[\\[\\]]", "");
        throw error(
                "expected "
                        + what
                        + " ("
                        + expected
                        + " columns) but found "
                        + tokens.length
                        + " columns");
    }

    /** An error on the current line, quoting it. */
    FormatException error(String what) {
        return new FormatException(source, lineNo, what + " (" + quote(text) + ")");
    }

    /** An error about the input as a whole, placed at the end (after the last line). */
    FormatException errorAtEnd(String what) {
        return new FormatException(source, Math.max(lineNo, 1), what);
    }

    private static String quote(String s) {
        return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "...";
    }

    /** Parses token k as an int in [min, max]; {@code what} names it in errors. */
    int intToken(int k, String what, long min, long max) {
        String t = tokens[k];
        if (!INTEGER.matcher(t).matches()) {
            throw error(what + " '" + t + "' is not an integer");
        }
        long v;
        try {
            v = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            v = t.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (v < min || v > max) {
            throw error(what + " " + t + " is out of range [" + min + ", " + max + "]");
        }
        return (int) v;
    }

    /**
     * Parses token k as a finite decimal number whose magnitude, times {@code scale}, fits in
     * float32; {@code what} names it in errors.
     */
    double numberToken(int k, String what, double scale) {
        String t = tokens[k];
        if (!DECIMAL.matcher(t).matches()) {
            throw error(what + " '" + t + "' is not a finite decimal number");
        }
        double v = Double.parseDouble(t);
        if (!Double.isFinite(v) || Float.isInfinite((float) (v * scale))) {
            throw error(what + " " + t + " is too large (beyond the float32 range)");
        }
        return v;
    }
}
