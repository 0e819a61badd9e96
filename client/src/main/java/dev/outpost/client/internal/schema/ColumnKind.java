package dev.outpost.client.internal.schema;

import java.sql.Types;

/** The Derby column types a replica uses; each PostgreSQL type maps to one ({@link DerbyTypes}). */
public enum ColumnKind {
    BIGINT("java.lang.Long", Types.BIGINT),
    INTEGER("java.lang.Integer", Types.INTEGER),
    SMALLINT("java.lang.Short", Types.SMALLINT),
    DECIMAL("java.math.BigDecimal", Types.DECIMAL),
    DOUBLE("java.lang.Double", Types.DOUBLE),
    REAL("java.lang.Float", Types.REAL),
    BOOLEAN("java.lang.Boolean", Types.BOOLEAN),
    VARCHAR("java.lang.String", Types.VARCHAR),
    CLOB("java.lang.String", Types.CLOB),
    DATE("java.time.LocalDate", Types.DATE),
    TIMESTAMP("java.time.LocalDateTime", Types.TIMESTAMP),
    /** A {@code timestamptz}, stored as the UTC date-time (Derby has no zoned timestamp). */
    TIMESTAMP_UTC("java.time.LocalDateTime", Types.TIMESTAMP),
    BLOB("java.sql.Blob", Types.BLOB),
    /** A {@code uuid} in its 36-character text form, as {@code CHAR(36)}. */
    UUID("java.lang.String", Types.CHAR);

    /** Length Hibernate is told for LOB columns, Derby's maximum. */
    public static final int LOB_LENGTH = Integer.MAX_VALUE;

    private final String javaType;
    private final int jdbcType;

    ColumnKind(String javaType, int jdbcType) {
        this.javaType = javaType;
        this.jdbcType = jdbcType;
    }

    /** The Java type of the dynamic entity attribute ({@code <target>} in the mapping). */
    public String javaType() {
        return javaType;
    }

    /** The {@link Types} code of the column. */
    public int jdbcType() {
        return jdbcType;
    }

    /**
     * Whether PostgreSQL has values of this kind's types that a Derby column of it cannot hold (NaN,
     * dates beyond year 9999, ...): such a value is stored as NULL with its text in the replica's
     * quarantine, so these columns are always nullable in the replica.
     */
    public boolean refusesSomeValues() {
        return switch (this) {
            case DECIMAL, DOUBLE, REAL, DATE, TIMESTAMP, TIMESTAMP_UTC -> true;
            default -> false;
        };
    }

    /** Whether values of this kind are large objects (never part of a key). */
    public boolean isLob() {
        return this == CLOB || this == BLOB;
    }
}
