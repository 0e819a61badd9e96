package dev.outpost.protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The streamed row format ({@value MediaTypes#NDJSON}) of a page of table rows.
 *
 * <p>Every line but the last is one row: a JSON array with one element per column, in the order of
 * {@link TableSchema#columns()}. Each element is PostgreSQL's text output of the value (what {@code
 * value::text} gives, e.g. {@code true} for a boolean, {@code \x0102} for bytea, {@code 2024-01-01
 * 12:00:00+00} for timestamptz) or JSON {@code null} for SQL NULL. Using the text form makes every
 * PostgreSQL type round-trip; the client converts it to the replica's column type.
 *
 * <p>The last line of every page is the end marker {@code {"end":true,"rows":N,"next":C}}, where
 * {@code N} counts the rows of the page and {@code C} is the opaque cursor of the next page, or {@code
 * null} when the table has no more rows. A page whose end marker is missing, or whose count disagrees,
 * was truncated and must be discarded whole.
 */
public final class RowLines {
    private static final String END_PREFIX = "{\"end\":true,\"rows\":";
    private static final String NEXT_FIELD = ",\"next\":";

    private RowLines() {}

    /** One parsed line: a {@link Row} or the page's {@link End}. */
    public sealed interface Line permits Row, End {}

    /** A row's values in column order; an element is {@code null} for SQL NULL. */
    public record Row(String[] values) implements Line {}

    /** The end marker of a page. {@code next} is {@code null} after the last page. */
    public record End(long rows, String next) implements Line {}

    /** Appends one row line, including its line feed. */
    public static void appendRow(Appendable out, String[] values) throws IOException {
        out.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            appendString(out, values[i]);
        }
        out.append("]\n");
    }

    /** Appends the end marker line, including its line feed. */
    public static void appendEnd(Appendable out, long rows, String next) throws IOException {
        out.append(END_PREFIX).append(Long.toString(rows)).append(NEXT_FIELD);
        appendString(out, next);
        out.append("}\n");
    }

    /** The row line for these values, as {@link #appendRow} writes it. */
    public static String rowLine(String[] values) {
        StringBuilder b = new StringBuilder();
        try {
            appendRow(b, values);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toString();
    }

    /**
     * Parses one line (without its line feed).
     *
     * @throws IllegalArgumentException if the line is neither a row nor an end marker
     */
    public static Line parse(String line) {
        if (line.startsWith("[")) {
            return new Row(parseArray(line));
        }
        if (line.startsWith(END_PREFIX) && line.endsWith("}")) {
            int next = line.indexOf(NEXT_FIELD, END_PREFIX.length());
            if (next < 0) {
                throw malformed(line, "end marker without next");
            }
            long rows;
            try {
                rows = Long.parseLong(line.substring(END_PREFIX.length(), next));
            } catch (NumberFormatException e) {
                throw malformed(line, "end marker with a bad row count");
            }
            Cursor c = new Cursor(line, next + NEXT_FIELD.length());
            String cursor = c.readValue();
            if (c.pos != line.length() - 1) {
                throw malformed(line, "trailing characters after next");
            }
            return new End(rows, cursor);
        }
        throw malformed(line, "neither a row nor an end marker");
    }

    private static String[] parseArray(String line) {
        Cursor c = new Cursor(line, 1);
        List<String> values = new ArrayList<>();
        if (c.peek() == ']') {
            c.pos++;
        } else {
            while (true) {
                values.add(c.readValue());
                char sep = c.next();
                if (sep == ']') {
                    break;
                }
                if (sep != ',') {
                    throw malformed(line, "expected ',' or ']' at " + (c.pos - 1));
                }
            }
        }
        if (c.pos != line.length()) {
            throw malformed(line, "trailing characters after the row");
        }
        return values.toArray(new String[0]);
    }

    private static void appendString(Appendable out, String s) throws IOException {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            String escape = escapeOf(ch);
            if (escape != null) {
                out.append(s, start, i).append(escape);
                start = i + 1;
            }
        }
        out.append(s, start, s.length()).append('"');
    }

    private static String escapeOf(char ch) {
        switch (ch) {
            case '"':
                return "\\\"";
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                return ch < 0x20 || ch == '\u2028' || ch == '\u2029' ? String.format("\\u%04x", (int) ch) : null;
        }
    }

    private static IllegalArgumentException malformed(String line, String why) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return new IllegalArgumentException("malformed row line (" + why + "): " + shown);
    }

    /** A read position in one line. */
    private static final class Cursor {
        private final String line;
        private int pos;

        Cursor(String line, int pos) {
            this.line = line;
            this.pos = pos;
        }

        char peek() {
            if (pos >= line.length()) {
                throw malformed(line, "unexpected end of line");
            }
            return line.charAt(pos);
        }

        char next() {
            char ch = peek();
            pos++;
            return ch;
        }

        /** Reads a JSON string or {@code null}. */
        String readValue() {
            if (line.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            if (next() != '"') {
                throw malformed(line, "expected a string or null at " + (pos - 1));
            }
            StringBuilder b = null;
            int start = pos;
            while (true) {
                char ch = next();
                if (ch == '"') {
                    return b == null
                            ? line.substring(start, pos - 1)
                            : b.append(line, start, pos - 1).toString();
                }
                if (ch == '\\') {
                    if (b == null) {
                        b = new StringBuilder();
                    }
                    b.append(line, start, pos - 1).append(unescape());
                    start = pos;
                }
            }
        }

        private char unescape() {
            char esc = next();
            switch (esc) {
                case '"':
                case '\\':
                case '/':
                    return esc;
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 't':
                    return '\t';
                case 'b':
                    return '\b';
                case 'f':
                    return '\f';
                case 'u':
                    if (pos + 4 > line.length()) {
                        throw malformed(line, "short unicode escape");
                    }
                    try {
                        char u = (char) Integer.parseInt(line.substring(pos, pos + 4), 16);
                        pos += 4;
                        return u;
                    } catch (NumberFormatException e) {
                        throw malformed(line, "bad unicode escape");
                    }
                default:
                    throw malformed(line, "bad escape \\" + esc);
            }
        }
    }
}
