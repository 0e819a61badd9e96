package dev.outpost.server.input;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.BodyTooLargeException;
import dev.outpost.server.problem.ProblemException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One request body: a JSON object whose members are read by type, each absent or {@code null} member
 * read as {@code null}. Reading never converts between JSON types: a string where a boolean belongs
 * is refused, not guessed. Parsed with JSON-P, which both servers provide, rather than by JSON-B
 * binding, whose conversions are lenient and differ between implementations.
 */
public final class JsonInput {
    private static final JsonReaderFactory READERS =
            Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    private final JsonObject json;

    private JsonInput(JsonObject json) {
        this.json = json;
    }

    /**
     * Reads a UTF-8 JSON object that has no members but {@code fields} (and none twice).
     *
     * @throws ProblemException 400 for anything else
     * @throws BodyTooLargeException when the body is longer than the server accepts
     */
    public static JsonInput read(InputStream body, Set<String> fields) throws BodyTooLargeException {
        JsonStructure structure;
        InputStreamReader utf8 = new InputStreamReader(
                body,
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
        try (JsonReader reader = READERS.createReader(utf8)) {
            structure = reader.read();
        } catch (JsonException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof BodyTooLargeException tooLarge) {
                    throw tooLarge;
                }
            }
            throw notJson();
        } catch (RuntimeException e) {
            throw notJson();
        }
        if (!(structure instanceof JsonObject object)) {
            throw new ProblemException(ProblemType.BAD_REQUEST, "the request body must be a JSON object");
        }
        Set<String> unknown = new TreeSet<>(object.keySet());
        unknown.removeAll(fields);
        if (!unknown.isEmpty()) {
            throw new ProblemException(
                    ProblemType.BAD_REQUEST,
                    "unknown fields " + unknown + "; this resource accepts " + new TreeSet<>(fields));
        }
        return new JsonInput(object);
    }

    private static ProblemException notJson() {
        return new ProblemException(ProblemType.BAD_REQUEST, "the request body is not a single UTF-8 JSON value");
    }

    /** A string that fits a column of {@code maxLength} characters, or null. */
    public String text(String field, int maxLength) {
        JsonValue value = value(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw wrongType(field, "a string");
        }
        return ColumnValues.text(field, s.getString(), maxLength);
    }

    /** As {@link #text}, but present and not blank. */
    public String requiredText(String field, int maxLength) {
        String text = text(field, maxLength);
        if (text == null || text.isBlank()) {
            throw new InvalidField(field, "is required");
        }
        return text;
    }

    /** A string of exactly {@code length} characters for a {@code char(length)} column (which pads shorter ones), or null. */
    public String fixedText(String field, int length) {
        String text = text(field, length);
        if (text != null && text.codePointCount(0, text.length()) != length) {
            throw new InvalidField(field, "must be exactly " + length + " characters long");
        }
        return text;
    }

    /** A number that {@code numeric(precision, scale)} stores without rounding, or null. */
    public BigDecimal decimal(String field, int precision, int scale) {
        return value(field) == null ? null : ColumnValues.decimal(field, number(field), precision, scale);
    }

    /** A whole number that fits a {@code bigint}, present. */
    public long requiredId(String field) {
        if (value(field) == null) {
            throw new InvalidField(field, "is required");
        }
        BigDecimal n = number(field);
        try {
            if (n.scale() > 0 || (long) n.precision() - n.scale() > 19) {
                throw new ArithmeticException();
            }
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidField(field, "must be a whole number within the 64-bit range");
        }
    }

    /** A whole number that fits a {@code bigint}, or null. */
    public Long wholeNumber(String field) {
        return value(field) == null ? null : requiredId(field);
    }

    /** An array of at most {@code maxItems} strings of at most {@code maxLength} characters; empty when absent. */
    public List<String> texts(String field, int maxItems, int maxLength) {
        JsonValue value = value(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array) || array.size() > maxItems) {
            throw wrongType(field, "an array of at most " + maxItems + " strings");
        }
        List<String> texts = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString s)) {
                throw wrongType(field, "an array of strings");
            }
            texts.add(ColumnValues.text(field, s.getString(), maxLength));
        }
        return texts;
    }

    /** {@code true} or {@code false}, or null. */
    public Boolean bool(String field) {
        JsonValue value = value(field);
        if (value == null) {
            return null;
        }
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            return value == JsonValue.TRUE;
        }
        throw wrongType(field, "true or false");
    }

    /** A date written {@code yyyy-MM-dd}, within the range {@link ColumnValues#date} accepts, or null. */
    public LocalDate date(String field) {
        JsonValue value = value(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw wrongType(field, "a date string yyyy-MM-dd");
        }
        try {
            return ColumnValues.date(field, LocalDate.parse(s.getString()));
        } catch (DateTimeParseException e) {
            throw new InvalidField(field, "must be a valid date written yyyy-MM-dd");
        }
    }

    /** The member as it was sent: null when absent, {@link JsonValue#NULL} for JSON null. */
    public JsonValue member(String field) {
        return json.get(field);
    }

    private JsonValue value(String field) {
        JsonValue value = json.get(field);
        return value == null || value == JsonValue.NULL ? null : value;
    }

    private BigDecimal number(String field) {
        if (!(value(field) instanceof JsonNumber n)) {
            throw wrongType(field, "a number");
        }
        try {
            return n.bigDecimalValue();
        } catch (RuntimeException e) {
            throw new InvalidField(field, "is not a number this server can read");
        }
    }

    private static InvalidField wrongType(String field, String expected) {
        return new InvalidField(field, "must be " + expected);
    }
}
