package dev.outpost.cli;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code outpost sql --format json}: one JSON array with an object per row, written by a {@link
 * JsonGenerator} as the rows come. Keys are the column labels as Derby reports them (unquoted names in
 * upper case); a label that repeats gets {@code _2}, {@code _3}, ... Numbers are JSON numbers (a
 * floating-point NaN or infinity a string), BOOLEAN is true/false, NULL is null, binary is a Base64
 * string, everything else (text, dates, times) a string.
 */
final class JsonOutput implements SqlOutput {
    private final JsonGenerator json;
    private final List<String> keys = new ArrayList<>();

    JsonOutput(Writer out) {
        json = Json.createGenerator(Reports.unclosed(out));
    }

    @Override
    public void begin(List<String> labels) {
        Set<String> seen = new HashSet<>();
        for (String label : labels) {
            String key = label;
            for (int n = 2; !seen.add(key); n++) {
                key = label + "_" + n;
            }
            keys.add(key);
        }
        json.writeStartArray();
    }

    @Override
    public void row(Object[] values) throws SQLException {
        json.writeStartObject();
        for (int i = 0; i < values.length; i++) {
            write(keys.get(i), values[i]);
        }
        json.writeEnd();
    }

    private void write(String key, Object value) throws SQLException {
        if (value == null) {
            json.writeNull(key);
        } else if (value instanceof Boolean b) {
            json.write(key, b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            json.write(key, ((Number) value).longValue());
        } else if (value instanceof BigDecimal d) {
            json.write(key, d);
        } else if (value instanceof BigInteger i) {
            json.write(key, i);
        } else if ((value instanceof Double || value instanceof Float)
                && Double.isFinite(((Number) value).doubleValue())) {
            json.write(key, new BigDecimal(value.toString()));
        } else {
            json.write(key, SqlValues.text(value));
        }
    }

    @Override
    public void end(long rows) throws IOException {
        json.writeEnd();
        json.close();
    }
}
