package dev.outpost.server.access.filter;

import dev.outpost.server.access.filter.RowFilter.And;
import dev.outpost.server.access.filter.RowFilter.ColumnRef;
import dev.outpost.server.access.filter.RowFilter.Compare;
import dev.outpost.server.access.filter.RowFilter.In;
import dev.outpost.server.access.filter.RowFilter.IsNull;
import dev.outpost.server.access.filter.RowFilter.Literal;
import dev.outpost.server.access.filter.RowFilter.Node;
import dev.outpost.server.access.filter.RowFilter.Not;
import dev.outpost.server.access.filter.RowFilter.Operand;
import dev.outpost.server.access.filter.RowFilter.Or;
import dev.outpost.server.access.filter.RowFilter.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiles a {@link RowFilter} to a PostgreSQL boolean expression with {@code ?} placeholders.
 *
 * <p>Every value — a literal of the filter or a value of a parameter — is bound as text and cast to
 * the type of the column it is compared with: {@code "region" = cast(cast(? as text) as "text")},
 * {@code "amount" < cast(cast(? as text) as "numeric")}. So a comparison is made in the column's own
 * type (numbers as numbers, dates as dates), a value that does not fit the type fails when the grant
 * is saved ({@code GrantCheck.checkValues}), and no value is ever part of the SQL text. Column names
 * are checked against the table and written by the caller's {@code columnSql} (a quoted identifier,
 * or an expression over a stored change). A parameter is a token attribute: in a comparison it must
 * have exactly one value; in {@code in (...)} it stands for all its values (none: {@code in} is
 * false, {@code not in} true).
 */
public final class FilterCompiler {
    /** The SQL and its bind values, in placeholder order. */
    public record CompiledFilter(String sql, List<String> binds) {
        public CompiledFilter {
            binds = List.copyOf(binds);
        }
    }

    private final Map<String, String> columnTypes;
    private final Function<String, String> columnSql;
    private final Map<String, List<String>> attributes;
    private final StringBuilder sql = new StringBuilder();
    private final List<String> binds = new ArrayList<>();

    private FilterCompiler(
            Map<String, String> columnTypes, Function<String, String> columnSql, Map<String, List<String>> attributes) {
        this.columnTypes = columnTypes;
        this.columnSql = columnSql;
        this.attributes = attributes;
    }

    /**
     * @param columnTypes the table's columns and their type names ({@code pg_type.typname}), exactly as
     *     the catalog spells them
     * @param columnSql the SQL expression that reads a column (only called for columns of {@code
     *     columnTypes})
     * @param attributes the token's attributes, which bind the filter's parameters
     * @throws FilterException naming an unknown column, an unknown parameter, or a parameter with
     *     several values outside a list
     */
    public static CompiledFilter compile(
            RowFilter filter,
            Map<String, String> columnTypes,
            Function<String, String> columnSql,
            Map<String, List<String>> attributes) {
        FilterCompiler compiler = new FilterCompiler(columnTypes, columnSql, attributes);
        compiler.node(filter.root());
        return new CompiledFilter(compiler.sql.toString(), compiler.binds);
    }

    /** A PostgreSQL quoted identifier. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private void node(Node node) {
        if (node instanceof Or or) {
            join(or.parts(), " or ");
        } else if (node instanceof And and) {
            join(and.parts(), " and ");
        } else if (node instanceof Not not) {
            sql.append("(not ");
            node(not.part());
            sql.append(')');
        } else if (node instanceof Compare c) {
            String type = type(c.column());
            sql.append('(')
                    .append(column(c.column()))
                    .append(' ')
                    .append(c.op())
                    .append(' ');
            if (c.operand() instanceof ColumnRef other) {
                type(other.name());
                sql.append(column(other.name()));
            } else {
                value(single(c.operand()), type);
            }
            sql.append(')');
        } else if (node instanceof IsNull n) {
            type(n.column());
            sql.append('(').append(column(n.column())).append(n.negated() ? " is not null)" : " is null)");
        } else if (node instanceof In in) {
            in(in);
        }
    }

    private void join(List<Node> parts, String operator) {
        sql.append('(');
        for (int i = 0; i < parts.size(); i++) {
            sql.append(i == 0 ? "" : operator);
            node(parts.get(i));
        }
        sql.append(')');
    }

    private void in(In in) {
        String type = type(in.column());
        List<String> values = new ArrayList<>();
        for (Operand item : in.items()) {
            if (item instanceof Parameter p) {
                values.addAll(parameter(p.name()));
            } else {
                values.add(((Literal) item).text());
            }
        }
        if (values.isEmpty()) {
            sql.append(in.negated() ? "true" : "false");
            return;
        }
        sql.append('(').append(column(in.column())).append(in.negated() ? " not in (" : " in (");
        for (int i = 0; i < values.size(); i++) {
            sql.append(i == 0 ? "" : ", ");
            value(values.get(i), type);
        }
        sql.append("))");
    }

    private String single(Operand operand) {
        if (operand instanceof Literal literal) {
            return literal.text();
        }
        String name = ((Parameter) operand).name();
        List<String> values = parameter(name);
        if (values.size() != 1) {
            throw new FilterException("parameter :" + name + " has " + values.size()
                    + " values; a parameter with other than one value may only stand in 'in (...)'");
        }
        return values.get(0);
    }

    private List<String> parameter(String name) {
        List<String> values = attributes.get(name);
        if (values == null) {
            throw new FilterException("parameter :" + name + " is not an attribute of the token");
        }
        return values;
    }

    private void value(String value, String type) {
        if (value == null) {
            throw new FilterException("a parameter value must not be null");
        }
        sql.append("cast(cast(? as text) as ").append(quote(type)).append(')');
        binds.add(value);
    }

    private String type(String column) {
        String type = columnTypes.get(column);
        if (type == null) {
            throw new FilterException("the table has no column \"" + column + "\"");
        }
        return type;
    }

    private String column(String column) {
        return columnSql.apply(column);
    }
}
