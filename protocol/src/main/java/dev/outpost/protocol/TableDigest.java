package dev.outpost.protocol;

/**
 * The server's count and order-independent hash of one synced table's rows ({@link RowDigest}).
 *
 * @param table table name exactly as in PostgreSQL
 * @param rows number of rows
 * @param digest {@link RowDigest#hex()} over every row's canonical form
 */
public record TableDigest(String table, long rows, String digest) {}
