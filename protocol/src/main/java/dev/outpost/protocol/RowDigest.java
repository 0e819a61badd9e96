package dev.outpost.protocol;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * An order-independent hash of a table's rows, computed the same way by the server (from
 * PostgreSQL) and by a replica (from Derby): the sum, modulo 2<sup>256</sup>, of the SHA-256 of each
 * row's canonical form. A sum, not an exclusive or, so that two equal rows do not cancel out.
 *
 * <p>A row's canonical form is its {@link RowLines#rowLine row line} over its values' canonical
 * texts: the PostgreSQL text form ({@code value::text} in a UTC session, ISO dates, hex {@code bytea},
 * {@code postgres} interval style), except for {@code float4}/{@code float8}, whose text is Java's
 * ({@link Float#toString}, {@link Double#toString}) because PostgreSQL and Java spell the same number
 * differently ({@link #canonical}). Not thread-safe.
 */
public final class RowDigest {
    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);

    private final MessageDigest sha256;
    private BigInteger sum = BigInteger.ZERO;
    private long rows;

    public RowDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The canonical text of a PostgreSQL text form of a value of this type ({@code pg_type.typname}). */
    public static String canonical(String pgType, String text) {
        if (text == null) {
            return null;
        }
        return switch (pgType) {
            case "float8" -> Double.toString(Double.parseDouble(text));
            case "float4" -> Float.toString(Float.parseFloat(text));
            default -> text;
        };
    }

    /** Adds one row, given as the canonical texts of its values in column order. */
    public void add(String[] canonicalValues) {
        byte[] hash = sha256.digest(RowLines.rowLine(canonicalValues).getBytes(StandardCharsets.UTF_8));
        sum = sum.add(new BigInteger(1, hash)).mod(MODULUS);
        rows++;
    }

    /** Rows added so far. */
    public long rows() {
        return rows;
    }

    /** The digest as 64 lower-case hex digits. */
    public String hex() {
        return String.format(Locale.ROOT, "%064x", sum);
    }
}
