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
