package dev.qama.bench.train;

import java.util.ArrayList;
import java.util.List;

/**
 * A reader of RFC 4180 CSV text: fields separated by commas, optionally enclosed in double quotes,
 * a doubled quote inside quotes standing for one quote, line breaks allowed inside quotes, records
 * ended by LF or CRLF. Malformed input (a quote inside an unquoted field, text after a closing
 * quote, an unterminated quote) is an IllegalArgumentException naming the line.
 */
public final class Csv {
    private Csv() {}

    /**
     * All records of {@code text}; blank lines are skipped.
     *
     * @param source named in error messages (e.g. the file)
     */
    public static List<List<String>> parse(String text, String source) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        int i = 0;
        int n = text.length();
        boolean quoted = false; // inside quotes
        boolean wasQuoted = false; // the current field was quoted and closed
        boolean fieldStarted = false;
        while (i < n) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    wasQuoted = true;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
                fieldStarted = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (fieldStarted || field.length() > 0 || wasQuoted) {
                    record.add(field.toString());
                    records.add(record);
                }
                record = new ArrayList<>();
                field.setLength(0);
                wasQuoted = false;
                fieldStarted = false;
                line++;
                recordLine = line;
            } else if (c == '"') {
                if (field.length() > 0 || wasQuoted) {
                    throw new IllegalArgumentException(
                            source + ":" + line + ": a quote inside an unquoted field");
                }
                quoted = true;
                fieldStarted = true;
            } else {
                if (wasQuoted) {
                    throw new IllegalArgumentException(
                            source + ":" + line + ": text after a closing quote");
                }
                field.append(c);
                fieldStarted = true;
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException(
                    source + ":" + recordLine + ": a quoted field is not closed");
        }
        if (fieldStarted || field.length() > 0 || wasQuoted) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
