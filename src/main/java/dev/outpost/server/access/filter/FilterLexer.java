package dev.outpost.server.access.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a row filter into tokens: identifiers (plain {@code [A-Za-z_][A-Za-z0-9_]*} or double-quoted
 * with {@code ""} for a quote), keywords (case-insensitive), strings in single quotes with {@code ''}
 * for a quote, decimal numbers, {@code :name} parameters, operators and punctuation. Anything else —
 * comments, semicolons, other quote characters — is an error naming its position.
 */
final class FilterLexer {
    /** Longest filter accepted, in characters. */
    static final int MAX_LENGTH = 4_000;

    static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "null", "true", "false");

    enum Kind {
        IDENTIFIER,
        KEYWORD,
        STRING,
        NUMBER,
        PARAMETER,
        OPERATOR,
        LEFT,
        RIGHT,
        COMMA,
        END
    }

    /** One token; {@code text} is the identifier, keyword (lower case), string's value, number or operator. */
    record Token(Kind kind, String text, int position) {
        boolean is(Kind k, String t) {
            return kind == k && text.equals(t);
        }
    }

    private FilterLexer() {}

    static List<Token> tokens(String filter) {
        if (filter.length() > MAX_LENGTH) {
            throw new FilterException("the row filter is longer than " + MAX_LENGTH + " characters");
        }
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = filter.length();
        while (i < n) {
            char c = filter.charAt(i);
            int start = i;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c == '(') {
                tokens.add(new Token(Kind.LEFT, "(", start));
                i++;
            } else if (c == ')') {
                tokens.add(new Token(Kind.RIGHT, ")", start));
                i++;
            } else if (c == ',') {
                tokens.add(new Token(Kind.COMMA, ",", start));
                i++;
            } else if (c == '=') {
                tokens.add(new Token(Kind.OPERATOR, "=", start));
                i++;
            } else if (c == '<' || c == '>' || c == '!') {
                String op = i + 1 < n ? filter.substring(i, i + 2) : "";
                if (op.equals("<=") || op.equals(">=") || op.equals("<>") || op.equals("!=")) {
                    tokens.add(new Token(Kind.OPERATOR, op.equals("!=") ? "<>" : op, start));
                    i += 2;
                } else if (c == '!') {
                    throw error(start, "'!' must be followed by '='");
                } else {
                    tokens.add(new Token(Kind.OPERATOR, String.valueOf(c), start));
                    i++;
                }
            } else if (c == '\'') {
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw error(start, "the string is not closed");
                    }
                    char s = filter.charAt(i);
                    if (s == '\'') {
                        if (i + 1 < n && filter.charAt(i + 1) == '\'') {
                            value.append('\'');
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        value.append(s);
                        i++;
                    }
                }
                tokens.add(new Token(Kind.STRING, value.toString(), start));
            } else if (c == '"') {
                StringBuilder name = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw error(start, "the quoted name is not closed");
                    }
                    char s = filter.charAt(i);
                    if (s == '"') {
                        if (i + 1 < n && filter.charAt(i + 1) == '"') {
                            name.append('"');
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        name.append(s);
                        i++;
                    }
                }
                if (name.isEmpty()) {
                    throw error(start, "a quoted name must not be empty");
                }
                tokens.add(new Token(Kind.IDENTIFIER, name.toString(), start));
            } else if (c == ':') {
                i++;
                int nameStart = i;
                while (i < n && identifierPart(filter.charAt(i))) {
                    i++;
                }
                if (i == nameStart || !identifierStart(filter.charAt(nameStart))) {
                    throw error(start, "':' must be followed by a parameter name");
                }
                tokens.add(new Token(Kind.PARAMETER, filter.substring(nameStart, i), start));
            } else if (isDigit(c) || (c == '-' && i + 1 < n && (isDigit(filter.charAt(i + 1))))) {
                i = number(filter, i);
                tokens.add(new Token(Kind.NUMBER, filter.substring(start, i), start));
            } else if (identifierStart(c)) {
                while (i < n && identifierPart(filter.charAt(i))) {
                    i++;
                }
                String word = filter.substring(start, i);
                String lower = word.toLowerCase(Locale.ROOT);
                tokens.add(
                        KEYWORDS.contains(lower)
                                ? new Token(Kind.KEYWORD, lower, start)
                                : new Token(Kind.IDENTIFIER, word, start));
            } else {
                throw error(start, "unexpected character '" + printable(c) + "'");
            }
        }
        tokens.add(new Token(Kind.END, "", n));
        return tokens;
    }

    /** The end of the number starting at {@code i}: {@code -?digits(.digits)?(e[+-]?digits)?}. */
    private static int number(String s, int i) {
        int start = i;
        int n = s.length();
        if (s.charAt(i) == '-') {
            i++;
        }
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            int fraction = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == fraction) {
                throw error(start, "a number needs digits after its decimal point");
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == exponent) {
                throw error(start, "a number's exponent needs digits");
            }
        }
        if (i < n && identifierPart(s.charAt(i))) {
            throw error(start, "a number must not run into a name");
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean identifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean identifierPart(char c) {
        return identifierStart(c) || isDigit(c);
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    static FilterException error(int position, String what) {
        return new FilterException("row filter, at character " + (position + 1) + ": " + what);
    }
}
