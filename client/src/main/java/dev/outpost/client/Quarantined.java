package dev.outpost.client;

/**
 * Values of one replica column that Derby cannot hold (a date of year 99999 or before year 1, NaN or
 * an infinity in a number column, ...). Each such row is in the replica with NULL in that column, and
 * the value's exact PostgreSQL text is in the replica table {@code OUTPOST_QUARANTINE} ({@code
 * table_name}, {@code row_key}, {@code column_name}, {@code pg_text}); {@link OutpostReplica#verify()}
 * counts the quarantined text, so such a table still compares equal to the server.
 *
 * @param table the table, as the server names it
 * @param column the column
 * @param values how many of its values are in quarantine
 */
public record Quarantined(String table, String column, long values) {}
