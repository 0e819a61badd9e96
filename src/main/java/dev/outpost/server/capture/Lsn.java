package dev.outpost.server.capture;

/** PostgreSQL WAL positions ({@code pg_lsn}) as longs and in their text form {@code X/Y}. */
final class Lsn {
    private Lsn() {}

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/"
                + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }
}
