package dev.qama.core.io;

/**
 * A problem file that does not match its format. The message reads {@code FILE:LINE: what is wrong
 * (the offending text)}, or {@code FILE: what is wrong} when no single line is at fault.
 */
public class FormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The largest number of variables (or graph nodes) a reader accepts. */
    public static final int MAX_VARIABLES = 50_000_000;

    private final String source;
    private final int line;
    private final String detail;

    /**
     * @param source the file name (or another name of the input)
     * @param line the 1-based line number, or 0 if the problem is not on one line
     * @param detail what is wrong, with the offending text
     */
    public FormatException(String source, int line, String detail) {
        super(format(source, line, detail));
        this.source = source;
        this.line = line;
        this.detail = detail;
    }

    /** The same, with the exception that revealed the problem. */
    public FormatException(String source, int line, String detail, Throwable cause) {
        super(format(source, line, detail), cause);
        this.source = source;
        this.line = line;
        this.detail = detail;
    }

    private static String format(String source, int line, String detail) {
        return line > 0 ? source + ":" + line + ": " + detail : source + ": " + detail;
    }

    /**
     * The text made safe to print in a one-line message: control characters (C0, DEL, C1), line and
     * paragraph separators, the byte order mark and the bidirectional-override characters are shown
     * as escapes (a tab as backslash-t, ESC as backslash-x1b, U+202E as backslash-u202e), so that
     * text quoted from a file or a command line can neither drive the terminal nor reorder what it
     * shows.
     *
     * @param text any text (null gives "null")
     */
    public static String printable(CharSequence text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String esc = escape(c);
            if (esc != null && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? text.toString() : b.toString();
    }

    private static String escape(char c) {
        if (c == '\t') {
            return "\\t";
        }
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return String.format(java.util.Locale.ROOT, "\\x%02x", (int) c);
        }
        boolean format =
                c == '\ufeff'
                        || c == '\u200e'
                        || c == '\u200f'
                        || c == '\u2028'
                        || c == '\u2029'
                        || (c >= '\u202a' && c <= '\u202e')
                        || (c >= '\u2066' && c <= '\u2069');
        return format ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c) : null;
    }

    /** The name of the input. */
    public String source() {
        return source;
    }

    /** The 1-based line number, or 0 if the problem is not on one line. */
    public int line() {
        return line;
    }

    /** What is wrong, without the source and line prefix. */
    public String detail() {
        return detail;
    }
}
