package dev.outpost.server.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns {@code pgoutput}'s values (the type's output function) into the form table pages use ({@code
 * value::text}), per column type. The two differ only for types whose cast to text is not an I/O
 * conversion ({@code pg_cast}): {@code bool} ({@code t} vs {@code true}), {@code inet} (the output
 * omits {@code /32} and {@code /128} of a host address), {@code bpchar} (the cast strips trailing
 * spaces), and {@code xml} (a binary cast: the stored text, whereas the output drops an XML
 * declaration). {@code cidr}, {@code name} and {@code "char"} have function casts whose result equals
 * their output. Any other type with a function cast to text (an extension's) is converted by
 * PostgreSQL itself ({@code select ?::type::text}). Domains are resolved to their base type (a domain
 * is cast as its base type). Arrays, ranges and composites need nothing: their output uses the
 * elements' output functions, and so does their cast to text.
 *
 * <p>Every conversion is idempotent, so a value already in {@code ::text} form stays as it is.
 */
final class TextForms {
    /** How one column's values are converted. */
    interface Form {
        String apply(String value) throws SQLException;

        /** Whether the value cannot be converted and must be read from the table instead. */
        default boolean reread() {
            return false;
        }
    }

    private static final long BOOL = 16;
    private static final long CHAR = 18;
    private static final long NAME = 19;
    private static final long XML = 142;
    private static final long CIDR = 650;
    private static final long INET = 869;
    private static final long BPCHAR = 1042;

    private static final Form SAME = value -> value;
    private static final Form BOOLEAN = value -> "t".equals(value) ? "true" : "f".equals(value) ? "false" : value;
    private static final Form HOST = TextForms::inet;
    private static final Form PADDED = TextForms::stripTrailingSpaces;
    private static final Form REREAD = new Form() {
        @Override
        public String apply(String value) {
            return value;
        }

        @Override
        public boolean reread() {
            return true;
        }
    };

    private static final String BASE_TYPE = "with recursive t(oid, base) as ("
            + " select oid, typbasetype from pg_type where oid = ?::bigint::oid"
            + " union all select p.oid, p.typbasetype from pg_type p join t on p.oid = t.base)"
            + " select t.oid::bigint, t.oid::regtype::text, exists (select 1 from pg_cast c"
            + "   where c.castsource = t.oid and c.casttarget = 'text'::regtype and c.castmethod = 'f')"
            + " from t where t.base = 0";

    private final Connection connection;
    private final Map<Long, Form> forms = new HashMap<>();

    /** @param connection reads the catalog and converts values of types only PostgreSQL can convert */
    TextForms(Connection connection) {
        this.connection = connection;
    }

    /** The conversion for values of the type with this oid (cached: a type oid never changes its base). */
    Form of(long typeOid) throws SQLException {
        Form form = forms.get(typeOid);
        if (form == null) {
            form = resolve(typeOid);
            forms.put(typeOid, form);
        }
        return form;
    }

    private Form resolve(long typeOid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(BASE_TYPE)) {
            ps.setLong(1, typeOid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return SAME; // a type dropped meanwhile: its table is gone too
                }
                return form(rs.getLong(1), rs.getString(2), rs.getBoolean(3));
            }
        }
    }

    private Form form(long base, String typeName, boolean functionCast) {
        if (base == BOOL) {
            return BOOLEAN;
        } else if (base == INET) {
            return HOST;
        } else if (base == BPCHAR) {
            return PADDED;
        } else if (base == XML) {
            return REREAD;
        } else if (base == CIDR || base == NAME || base == CHAR || !functionCast) {
            return SAME;
        }
        String sql = "select ?::" + typeName + "::text";
        return value -> value == null ? null : castByPostgres(sql, value);
    }

    private String castByPostgres(String sql, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** {@code inet}'s cast to text always writes the mask; its output omits it for a host address. */
    static String inet(String value) {
        if (value == null || value.indexOf('/') >= 0) {
            return value;
        }
        return value + (value.indexOf(':') >= 0 ? "/128" : "/32");
    }

    /** {@code bpchar}'s cast to text strips trailing spaces; its output keeps the padding. */
    static String stripTrailingSpaces(String value) {
        if (value == null) {
            return null;
        }
        int end = value.length();
        while (end > 0 && value.charAt(end - 1) == ' ') {
            end--;
        }
        return value.substring(0, end);
    }
}
