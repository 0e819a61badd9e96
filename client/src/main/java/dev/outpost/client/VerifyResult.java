package dev.outpost.client;

import java.time.Duration;
import java.util.List;

/**
 * What {@link OutpostReplica#verify()} found: per table, the server's and the replica's row count and
 * order-independent row hash.
 *
 * @param tables one entry per table the server syncs, in the server's order
 * @param duration wall-clock time of the whole check
 */
public record VerifyResult(List<Table> tables, Duration duration) {

    /** Copies the table list. */
    public VerifyResult {
        tables = List.copyOf(tables);
    }

    /** Whether every table matches. */
    public boolean matches() {
        return tables.stream().allMatch(Table::matches);
    }

    /**
     * One table, compared.
     *
     * @param name table name as on the server
     * @param serverRows rows on the server
     * @param replicaRows rows in the replica, {@code -1} when it has no such table
     * @param serverDigest the server's hash of its rows
     * @param replicaDigest the replica's hash of its rows, {@code null} when it was not computed
     * @param problem why the table could not be compared (e.g. its definition changed on the server),
     *     or {@code null}
     */
    public record Table(
            String name, long serverRows, long replicaRows, String serverDigest, String replicaDigest, String problem) {

        /** Whether the replica holds exactly the server's rows. */
        public boolean matches() {
            return problem == null && serverRows == replicaRows && serverDigest.equals(replicaDigest);
        }

        /** A one-line description of the difference, or {@code "equal"}. */
        public String difference() {
            if (problem != null) {
                return problem;
            }
            if (serverRows != replicaRows) {
                return "server has " + serverRows + " rows, replica " + replicaRows;
            }
            return serverDigest.equals(replicaDigest) ? "equal" : "same row count, different values";
        }
    }
}
