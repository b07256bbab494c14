package dev.qama.core.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader and writer for the wire protocol (objects, arrays, strings, numbers,
 * booleans, null). Parsed objects are {@code Map<String, Object>}, arrays {@code List<Object>},
 * numbers {@code Double} (or {@code Long} when integral and without fraction or exponent).
 */
public final class JsonValue {
    private final String s;
    private int p;

    private JsonValue(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value (trailing whitespace allowed).
     *
     * @throws WireFormatException with the offset of the first error
     */
    public static Object parse(String text) {
        if (text == null) {
            throw new WireFormatException("JSON body is empty");
        }
        JsonValue r = new JsonValue(text);
        r.ws();
        Object v = r.value(0);
        r.ws();
        if (r.p != text.length()) {
            throw r.error("trailing characters after the JSON value");
        }
        return v;
    }

    /** Parses a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new WireFormatException("expected a JSON object");
        }
        return (Map<String, Object>) v;
    }

    private WireFormatException error(String msg) {
        return new WireFormatException("malformed JSON at offset " + p + ": " + msg);
    }

    private void ws() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
    }

    private Object value(int depth) {
        if (depth > 64) {
            throw error("nested too deeply");
        }
        if (p >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(p);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, p)) {
            throw error("expected " + word);
        }
        p += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        p++;
        ws();
        if (p < s.length() && s.charAt(p) == '}') {
            p++;
            return m;
        }
        while (true) {
            ws();
            if (p >= s.length() || s.charAt(p) != '"') {
                throw error("expected a key string");
            }
            String k = string();
            ws();
            if (p >= s.length() || s.charAt(p) != ':') {
                throw error("expected ':'");
            }
            p++;
            ws();
            m.put(k, value(depth + 1));
            ws();
            if (p >= s.length()) {
                throw error("unexpected end in object");
            }
            char c = s.charAt(p++);
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> a = new ArrayList<>();
        p++;
        ws();
        if (p < s.length() && s.charAt(p) == ']') {
            p++;
            return a;
        }
        while (true) {
            ws();
            a.add(value(depth + 1));
            ws();
            if (p >= s.length()) {
                throw error("unexpected end in array");
            }
            char c = s.charAt(p++);
            if (c == ']') {
                return a;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        p++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (p >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(p++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                if (p >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(p++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (p + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        p += 4;
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
    }

    private Object number() {
        int start = p;
        boolean integral = true;
        while (p < s.length()) {
            char c = s.charAt(p);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
                p++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
                p++;
            } else {
                break;
            }
        }
        String t = s.substring(start, p);
        try {
            if (integral) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException beyondLong) {
                    // an integer beyond 64 bits: a Double, which integer fields refuse by range
                }
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error("bad number '" + t + "'");
        }
    }

    /** Writes a value (Map, List, String, Number, Boolean or null) as compact JSON. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String str) {
            quote(b, str);
        } else if (v instanceof Double d) {
            b.append(
                    Double.isFinite(d)
                            ? (d == Math.rint(d) && Math.abs(d) < 1e15
                                    ? Long.toString(d.longValue()) + ".0"
                                    : d.toString())
                            : "null");
        } else if (v instanceof Float f) {
            write(b, (double) f);
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i));
            }
            b.append(']');
        } else {
            quote(b, v.toString());
        }
    }

    /**
     * Appends {@code str} as a JSON string literal: quotes, backslashes and control characters
     * escaped, and every character outside printable ASCII written as a six-character unicode
     * escape, so the output is plain ASCII whatever the platform encoding. The one JSON string
     * writer of the project (the command line's JSON output uses it too).
     */
    public static void quote(StringBuilder b, String str) {
        b.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** {"error": message} as JSON (the body of every error answer). */
    public static String errorBody(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return write(m);
    }
}
