package dev.qama.core.io;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Reads a text file line by line for the format readers: skips blank lines (and {@code #} comments
 * when enabled), splits the rest into whitespace-separated tokens, parses numbers strictly and
 * builds {@link FormatException}s that name the source, the line and its text (control characters
 * escaped, see {@link FormatException#printable}). A UTF-8 byte order mark at the start is skipped;
 * a NUL byte, invalid UTF-8 or a UTF-16 byte order mark is reported as "not a text file".
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

    /**
     * Opens a file for the readers: strict UTF-8 (invalid bytes are an error, not replaced), with a
     * UTF-16 byte order mark reported as such rather than as invalid UTF-8.
     *
     * @throws FormatException if the file starts with a UTF-16 byte order mark
     * @throws IOException if the file cannot be opened (a directory is a {@link
     *     FileSystemException} "is a directory")
     */
    static Reader open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new FileSystemException(path.toString(), null, "is a directory, not a file");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if ((b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)) {
                throw new FormatException(
                        sourceName(path),
                        0,
                        String.format(
                                "not a text file this reader accepts: UTF-16 (byte order mark"
                                        + " %02X %02X); save it as UTF-8 or ASCII",
                                b0, b1));
            }
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return new BufferedReader(
                new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
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
            if (lineNo == 0 && !raw.isEmpty() && raw.charAt(0) == '\uFEFF') {
                raw = raw.substring(1); // a UTF-8 byte order mark
            }
            lineNo++;
            if (raw.indexOf('\0') >= 0) {
                throw new FormatException(
                        source,
                        lineNo,
                        "not a text file: a NUL byte (binary data, or UTF-16 text; save it as"
                                + " UTF-8 or ASCII)");
            }
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

    /** A token quoted for a message: control characters escaped, at most 80 characters. */
    private static String quoteToken(String t) {
        return FormatException.printable(
                t.length() <= MAX_QUOTED ? t : t.substring(0, MAX_QUOTED) + "...");
    }

    /** An error about the input as a whole, placed at the end (after the last line). */
    FormatException errorAtEnd(String what) {
        return new FormatException(source, Math.max(lineNo, 1), what);
    }

    private static String quote(String s) {
        return FormatException.printable(
                s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "...");
    }

    /** Parses token k as an int in [min, max]; {@code what} names it in errors. */
    int intToken(int k, String what, long min, long max) {
        String t = tokens[k];
        if (!INTEGER.matcher(t).matches()) {
            throw error(what + " '" + quoteToken(t) + "' is not an integer");
        }
        long v;
        try {
            v = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            v = t.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (v < min || v > max) {
            throw error(what + " " + quoteToken(t) + " is out of range [" + min + ", " + max + "]");
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
            throw error(what + " '" + quoteToken(t) + "' is not a finite decimal number");
        }
        double v = Double.parseDouble(t);
        if (!Double.isFinite(v) || Float.isInfinite((float) (v * scale))) {
            throw error(what + " " + quoteToken(t) + " is too large (beyond the float32 range)");
        }
        return v;
    }
}
