package dev.outpost.cli;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What a token may read, as options: {@code --grant TABLE} or {@code --grant TABLE:COL,COL},
 * {@code --filter TABLE=CONDITION} for a granted table, {@code --attr NAME=VALUE} (repeated for more
 * values). Turned into the admin API's {@code grants} and {@code attributes}.
 */
final class GrantOptions {
    @Option(
            names = "--grant",
            paramLabel = "TABLE[:COLUMN,...]",
            description = "A table the token may read, all columns or only those listed (repeatable)")
    List<String> grants = new ArrayList<>();

    @Option(
            names = "--filter",
            paramLabel = "TABLE=CONDITION",
            description = "Only the rows of a granted table that CONDITION admits, e.g. 'users=company_id = :company'"
                    + " (repeatable; :name is the token's attribute)")
    List<String> filters = new ArrayList<>();

    @Option(
            names = "--attr",
            paramLabel = "NAME=VALUE",
            description = "An attribute value bound to :NAME in row filters (repeat a name for several values)")
    List<String> attributes = new ArrayList<>();

    boolean hasGrants() {
        return !grants.isEmpty() || !filters.isEmpty();
    }

    boolean hasAttributes() {
        return !attributes.isEmpty();
    }

    /** The {@code grants} array. */
    JsonArrayBuilder grantsJson(CommandSpec spec) {
        Map<String, JsonObjectBuilder> byTable = new LinkedHashMap<>();
        for (String grant : grants) {
            int colon = grant.indexOf(':');
            String table = (colon < 0 ? grant : grant.substring(0, colon)).trim();
            if (table.isEmpty() || byTable.containsKey(table)) {
                throw new ParameterException(
                        spec.commandLine(), "--grant '" + grant + "': name each table once, as TABLE or TABLE:COL,COL");
            }
            JsonObjectBuilder object = Json.createObjectBuilder().add("table", table);
            if (colon >= 0) {
                JsonArrayBuilder columns = Json.createArrayBuilder();
                for (String column : grant.substring(colon + 1).split(",")) {
                    if (column.isBlank()) {
                        throw new ParameterException(
                                spec.commandLine(), "--grant '" + grant + "': an empty column name");
                    }
                    columns.add(column.trim());
                }
                object.add("columns", columns);
            }
            byTable.put(table, object);
        }
        for (String filter : filters) {
            int eq = filter.indexOf('=');
            String table = eq < 0 ? "" : filter.substring(0, eq).trim();
            if (eq < 0 || filter.substring(eq + 1).isBlank()) {
                throw new ParameterException(spec.commandLine(), "--filter '" + filter + "': write TABLE=CONDITION");
            }
            JsonObjectBuilder object = byTable.get(table);
            if (object == null) {
                throw new ParameterException(
                        spec.commandLine(), "--filter '" + filter + "': grant table '" + table + "' with --grant too");
            }
            object.add("rowFilter", filter.substring(eq + 1).trim());
        }
        JsonArrayBuilder array = Json.createArrayBuilder();
        byTable.values().forEach(array::add);
        return array;
    }

    /** The {@code attributes} object. */
    JsonObjectBuilder attributesJson(CommandSpec spec) {
        Map<String, JsonArrayBuilder> byName = new LinkedHashMap<>();
        for (String attribute : attributes) {
            int eq = attribute.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(), "--attr '" + attribute + "': write NAME=VALUE");
            }
            byName.computeIfAbsent(attribute.substring(0, eq).trim(), n -> Json.createArrayBuilder())
                    .add(attribute.substring(eq + 1));
        }
        JsonObjectBuilder object = Json.createObjectBuilder();
        byName.forEach(object::add);
        return object;
    }
}
