package dev.outpost.server.access.filter;

import dev.outpost.server.access.filter.FilterLexer.Kind;
import dev.outpost.server.access.filter.FilterLexer.Token;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A parsed row filter. Grammar (keywords case-insensitive; a column is a plain or double-quoted name,
 * matched exactly as the catalog spells it):
 *
 * <pre>
 * filter     = or
 * or         = and { "or" and }
 * and        = unary { "and" unary }
 * unary      = "not" unary | "(" or ")" | predicate
 * predicate  = column ( op operand | "is" ["not"] "null" | ["not"] "in" "(" item { "," item } ")" )
 * op         = "=" | "&lt;&gt;" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * operand    = value | column
 * item       = value | parameter          (a parameter here may stand for several values)
 * value      = string | number | "true" | "false" | parameter
 * </pre>
 *
 * {@code null} is only written as {@code is [not] null}. Nesting is limited to {@value #MAX_DEPTH}
 * levels and a list to {@value #MAX_LIST} items.
 */
public final class RowFilter {
    static final int MAX_DEPTH = 32;
    static final int MAX_LIST = 1_000;

    /** A node of the filter. */
    public sealed interface Node permits Or, And, Not, Compare, IsNull, In {}

    public record Or(List<Node> parts) implements Node {}

    public record And(List<Node> parts) implements Node {}

    public record Not(Node part) implements Node {}

    /** {@code column op operand}; {@code op} is one of {@code = <> < <= > >=}. */
    public record Compare(String column, String op, Operand operand) implements Node {}

    public record IsNull(String column, boolean negated) implements Node {}

    public record In(String column, boolean negated, List<Operand> items) implements Node {}

    /** The right side of a comparison or an item of a list. */
    public sealed interface Operand permits ColumnRef, Literal, Parameter {}

    public record ColumnRef(String name) implements Operand {}

    /** A string, number or boolean, as its text ({@code 'it''s'} is {@code it's}). */
    public record Literal(String text) implements Operand {}

    public record Parameter(String name) implements Operand {}

    private final String text;
    private final Node root;

    private RowFilter(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /** Parses a filter; a {@link FilterException} names the position of the first error. */
    public static RowFilter parse(String text) {
        Parser parser = new Parser(FilterLexer.tokens(text));
        Node root = parser.or(0);
        parser.expect(Kind.END, "", "the end of the filter");
        return new RowFilter(text, root);
    }

    /** The filter as written. */
    public String text() {
        return text;
    }

    public Node root() {
        return root;
    }

    /** The columns the filter reads, in order of first use. */
    public Set<String> columns() {
        Set<String> columns = new LinkedHashSet<>();
        walk(root, columns, null);
        return columns;
    }

    /** The parameters the filter uses, in order of first use. */
    public Set<String> parameters() {
        Set<String> parameters = new LinkedHashSet<>();
        walk(root, null, parameters);
        return parameters;
    }

    private static void walk(Node node, Set<String> columns, Set<String> parameters) {
        if (node instanceof Or or) {
            or.parts().forEach(p -> walk(p, columns, parameters));
        } else if (node instanceof And and) {
            and.parts().forEach(p -> walk(p, columns, parameters));
        } else if (node instanceof Not not) {
            walk(not.part(), columns, parameters);
        } else if (node instanceof Compare c) {
            add(columns, c.column());
            operand(c.operand(), columns, parameters);
        } else if (node instanceof IsNull n) {
            add(columns, n.column());
        } else if (node instanceof In in) {
            add(columns, in.column());
            in.items().forEach(i -> operand(i, columns, parameters));
        }
    }

    private static void operand(Operand operand, Set<String> columns, Set<String> parameters) {
        if (operand instanceof ColumnRef c) {
            add(columns, c.name());
        } else if (operand instanceof Parameter p) {
            add(parameters, p.name());
        }
    }

    private static void add(Set<String> set, String value) {
        if (set != null) {
            set.add(value);
        }
    }

    private static final class Parser {
        private final List<Token> tokens;
        private int next;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        Node or(int depth) {
            List<Node> parts = new ArrayList<>();
            parts.add(and(depth));
            while (accept(Kind.KEYWORD, "or")) {
                parts.add(and(depth));
            }
            return parts.size() == 1 ? parts.get(0) : new Or(List.copyOf(parts));
        }

        private Node and(int depth) {
            List<Node> parts = new ArrayList<>();
            parts.add(unary(depth));
            while (accept(Kind.KEYWORD, "and")) {
                parts.add(unary(depth));
            }
            return parts.size() == 1 ? parts.get(0) : new And(List.copyOf(parts));
        }

        private Node unary(int depth) {
            if (depth >= MAX_DEPTH) {
                throw FilterLexer.error(peek().position(), "the filter nests deeper than " + MAX_DEPTH + " levels");
            }
            if (accept(Kind.KEYWORD, "not")) {
                return new Not(unary(depth + 1));
            }
            if (accept(Kind.LEFT, "(")) {
                Node inner = or(depth + 1);
                expect(Kind.RIGHT, ")", "')'");
                return inner;
            }
            return predicate();
        }

        private Node predicate() {
            Token column = peek();
            if (column.kind() != Kind.IDENTIFIER) {
                throw unexpected(column, "a column name");
            }
            next++;
            Token t = peek();
            if (t.kind() == Kind.OPERATOR) {
                next++;
                return new Compare(column.text(), t.text(), operand());
            }
            if (accept(Kind.KEYWORD, "is")) {
                boolean negated = accept(Kind.KEYWORD, "not");
                expect(Kind.KEYWORD, "null", "'null'");
                return new IsNull(column.text(), negated);
            }
            boolean negated = accept(Kind.KEYWORD, "not");
            if (accept(Kind.KEYWORD, "in")) {
                expect(Kind.LEFT, "(", "'(' after 'in'");
                List<Operand> items = new ArrayList<>();
                do {
                    if (items.size() >= MAX_LIST) {
                        throw FilterLexer.error(peek().position(), "a list has more than " + MAX_LIST + " items");
                    }
                    Operand item = operand();
                    if (item instanceof ColumnRef) {
                        throw FilterLexer.error(tokens.get(next - 1).position(), "a list holds values, not columns");
                    }
                    items.add(item);
                } while (accept(Kind.COMMA, ","));
                expect(Kind.RIGHT, ")", "')' or ','");
                return new In(column.text(), negated, List.copyOf(items));
            }
            throw unexpected(peek(), negated ? "'in'" : "a comparison, 'is' or 'in'");
        }

        private Operand operand() {
            Token t = peek();
            next++;
            return switch (t.kind()) {
                case STRING, NUMBER -> new Literal(t.text());
                case PARAMETER -> new Parameter(t.text());
                case IDENTIFIER -> new ColumnRef(t.text());
                case KEYWORD -> {
                    if (t.text().equals("true") || t.text().equals("false")) {
                        yield new Literal(t.text());
                    }
                    if (t.text().equals("null")) {
                        throw FilterLexer.error(t.position(), "compare with null as 'is null' or 'is not null'");
                    }
                    throw unexpected(t, "a value");
                }
                default -> throw unexpected(t, "a value");
            };
        }

        private Token peek() {
            return tokens.get(next);
        }

        private boolean accept(Kind kind, String text) {
            if (peek().is(kind, text)) {
                next++;
                return true;
            }
            return false;
        }

        void expect(Kind kind, String text, String what) {
            if (!accept(kind, text)) {
                throw unexpected(peek(), what);
            }
        }

        private static FilterException unexpected(Token t, String expected) {
            String found = t.kind() == Kind.END ? "the end of the filter" : "'" + t.text() + "'";
            return FilterLexer.error(t.position(), "expected " + expected + ", found " + found);
        }
    }
}
