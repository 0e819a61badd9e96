package dev.outpost.client;

import java.util.List;
import java.util.OptionalLong;

/** What a running {@link OutpostReplica#sync()} reports to its {@link SyncListener}s, in order. */
public sealed interface SyncEvent {

    /** The sync started and asks the server for its version. */
    record CheckStarted() implements SyncEvent {}

    /**
     * The replica is out of date and a new one is being built; the current one stays readable.
     *
     * @param reason why, for a person to read (e.g. {@code "tag v1 -> v2"})
     * @param tables the tables that will be downloaded (new or changed; the others are kept)
     */
    record RebuildStarted(String reason, List<String> tables) implements SyncEvent {
        /** Copies the table list. */
        public RebuildStarted {
            tables = List.copyOf(tables);
        }
    }

    /**
     * A table's download started from its first row.
     *
     * @param table the table
     * @param estimatedRows about how many rows it has, when the server said (PostgreSQL's estimate, for
     *     a percentage or the time left; the download may end with more or fewer)
     */
    record TableStarted(String table, OptionalLong estimatedRows) implements SyncEvent {}

    /**
     * A table is loading.
     *
     * @param table the table
     * @param rowsSoFar rows of this table stored so far
     * @param bytesSoFar bytes received on the wire by this sync so far
     */
    record TableProgress(String table, long rowsSoFar, long bytesSoFar) implements SyncEvent {}

    /** A table was loaded completely with {@code rows} rows. */
    record TableLoaded(String table, long rows) implements SyncEvent {}

    /**
     * A table whose new definition only adds columns was filled without downloading what the replica
     * held: the key and the new columns of each row came from the server, the other columns from the
     * current database. A {@link TableLoaded} follows.
     *
     * @param table the table
     * @param columns the new columns
     * @param rows rows of the table
     */
    record ColumnsAdded(String table, List<String> columns, long rows) implements SyncEvent {
        /** Copies the column list. */
        public ColumnsAdded {
            columns = List.copyOf(columns);
        }
    }

    /** An unchanged table was copied into the new database from the current one, with {@code rows} rows. */
    record TableKept(String table, long rows) implements SyncEvent {}

    /** The new database is complete and about to replace the current one, atomically. */
    record Activating(String tag) implements SyncEvent {}

    /** The new replica is active (or, when no table changed, the new version was recorded). */
    record RebuildCompleted(SyncResult result) implements SyncEvent {}

    /**
     * Changes of the server's change feed were applied (whole server transactions, committed).
     *
     * @param changes changes applied by this step
     * @param position the replica's feed position now
     */
    record ChangesApplied(long changes, long position) implements SyncEvent {}

    /**
     * The sync ended with values in the replica that Derby cannot hold: each is stored as NULL in its
     * row and kept, with its exact PostgreSQL text, in the replica table {@code OUTPOST_QUARANTINE}.
     * Fired before {@link OutpostReplica#sync()} returns, whenever there are any.
     *
     * @param columns per table and column, how many values
     */
    record ValuesQuarantined(List<Quarantined> columns) implements SyncEvent {
        /** Copies the list. */
        public ValuesQuarantined {
            columns = List.copyOf(columns);
        }
    }

    /** The sync failed; the previous replica, if any, is unchanged. */
    record SyncFailed(OutpostException error) implements SyncEvent {}

    /**
     * Live mode ({@link OutpostReplica#startLiveSync()}) stopped for good after {@code error}: the
     * server refused the token ({@link ErrorCode#AUTHENTICATION_FAILED}), which retrying cannot mend.
     * The replica stays readable as of its last applied change.
     */
    record LiveSyncStopped(OutpostException error) implements SyncEvent {}
}
