package dev.outpost.server.admin;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.store.TokenChanges;
import dev.outpost.server.access.store.TokenRole;
import dev.outpost.server.input.JsonInput;
import dev.outpost.server.problem.ProblemException;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a token creation or update body ({@link dev.outpost.protocol.TokenRequest}) strictly. */
final class TokenInput {
    static final Set<String> FIELDS = Set.of("name", "role", "expires", "grants", "attributes");

    private static final int NAME_LENGTH = 200;
    private static final int FILTER_LENGTH = 4_000;
    private static final int MAX_ITEMS = 1_000;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile("[^\\s:,]{1,127}");

    private TokenInput() {}

    /** A creation: name and role required. */
    static TokenChanges creation(JsonInput input) {
        String name = input.requiredText("name", NAME_LENGTH).trim();
        String roleName = input.requiredText("role", 20);
        TokenRole role = TokenRole.of(roleName)
                .orElseThrow(() -> bad("role: must be replica, writer, admin or metrics, was '" + roleName + "'"));
        Optional<Instant> expires = Optional.ofNullable(expires(input)).flatMap(e -> e);
        List<TableGrant> grants = grants(input.member("grants"));
        Map<String, List<String>> attributes = attributes(input.member("attributes"));
        requireTableReader(role, grants, attributes);
        return new TokenChanges(name, role, expires, grants, attributes);
    }

    /** Refuses grants or attributes (null: not given) for a role that reads no tables. */
    static void requireTableReader(TokenRole role, List<TableGrant> grants, Map<String, List<String>> attributes) {
        if ((role == TokenRole.ADMIN || role == TokenRole.METRICS)
                && ((grants != null && !grants.isEmpty()) || (attributes != null && !attributes.isEmpty()))) {
            throw bad("grants: an " + role.wireName()
                    + " token reads no tables; grant tables to replica and writer tokens");
        }
    }

    /** An update: each member present replaces the stored one; the role cannot change. */
    static TokenChanges update(JsonInput input) {
        if (input.member("role") != null) {
            throw bad("role: a token's role cannot change; create a new token and revoke this one");
        }
        String name = null;
        if (input.member("name") != null) {
            name = input.requiredText("name", NAME_LENGTH).trim();
        }
        return new TokenChanges(
                name, null, expires(input), grants(input.member("grants")), attributes(input.member("attributes")));
    }

    /** Null when absent, empty for JSON null (never), else a time in the future. */
    private static Optional<Instant> expires(JsonInput input) {
        JsonValue value = input.member("expires");
        if (value == null) {
            return null;
        }
        if (value == JsonValue.NULL) {
            return Optional.empty();
        }
        if (!(value instanceof JsonString s)) {
            throw bad("expires: must be a date and time with offset, e.g. 2030-01-31T00:00:00Z, or null");
        }
        try {
            Instant at = OffsetDateTime.parse(s.getString()).toInstant();
            if (!at.isAfter(Instant.now())) {
                throw bad("expires: must be in the future, was " + s.getString());
            }
            return Optional.of(at);
        } catch (DateTimeParseException e) {
            throw bad("expires: must be a date and time with offset, e.g. 2030-01-31T00:00:00Z, was '" + s.getString()
                    + "'");
        }
    }

    private static List<TableGrant> grants(JsonValue value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray array) || array.size() > MAX_ITEMS) {
            throw bad("grants: must be an array of at most " + MAX_ITEMS + " objects {table, columns, rowFilter}");
        }
        List<TableGrant> grants = new ArrayList<>();
        Set<String> tables = new HashSet<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonObject grant)
                    || !Set.of("table", "columns", "rowFilter").containsAll(grant.keySet())) {
                throw bad("grants: each grant must be an object with table, and optionally columns and rowFilter");
            }
            String table = string(grant.get("table"), "grants: table");
            if (table == null || !TABLE.matcher(table).matches()) {
                throw bad("grants: table must be a table's name, was " + grant.get("table"));
            }
            if (!tables.add(table)) {
                throw bad("grants: table '" + table + "' is granted twice");
            }
            Optional<List<String>> columns = Optional.empty();
            JsonValue columnValue = grant.get("columns");
            if (columnValue != null && columnValue != JsonValue.NULL) {
                List<String> names = strings(columnValue, "grants: columns of '" + table + "'");
                if (names.isEmpty() || Set.copyOf(names).size() != names.size()) {
                    throw bad("grants: columns of '" + table + "' must be distinct names, at least one");
                }
                columns = Optional.of(names);
            }
            String filter = string(grant.get("rowFilter"), "grants: rowFilter of '" + table + "'");
            if (filter != null && (filter.isBlank() || filter.length() > FILTER_LENGTH)) {
                throw bad("grants: rowFilter of '" + table + "' must be a condition of 1 to " + FILTER_LENGTH
                        + " characters");
            }
            grants.add(new TableGrant(table, columns, Optional.ofNullable(filter)));
        }
        return grants;
    }

    private static Map<String, List<String>> attributes(JsonValue value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject object) || object.size() > MAX_ITEMS) {
            throw bad("attributes: must be an object of names to a string or an array of strings");
        }
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            if (!IDENTIFIER.matcher(e.getKey()).matches()) {
                throw bad("attributes: '" + e.getKey()
                        + "' is not a name (letters, digits, _; as :name in a row filter)");
            }
            attributes.put(
                    e.getKey(),
                    e.getValue() instanceof JsonString s
                            ? List.of(s.getString())
                            : strings(e.getValue(), "attributes: " + e.getKey()));
        }
        return attributes;
    }

    private static String string(JsonValue value, String what) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw bad(what + " must be a string");
        }
        return s.getString();
    }

    private static List<String> strings(JsonValue value, String what) {
        if (!(value instanceof JsonArray array) || array.size() > MAX_ITEMS) {
            throw bad(what + " must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString s) || s.getString().indexOf('\0') >= 0) {
                throw bad(what + " must be an array of strings");
            }
            strings.add(s.getString());
        }
        return strings;
    }

    private static ProblemException bad(String detail) {
        return new ProblemException(ProblemType.BAD_REQUEST, detail);
    }
}
