package dev.outpost.client.internal.sync;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.client.internal.store.ShadowProgress;
import dev.outpost.client.internal.store.Transactions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check a complete shadow database must pass before it may replace the active one: every table
 * holds exactly the rows it should. {@code COUNT(*)} in the shadow is compared with
 *
 * <ul>
 *   <li>for a downloaded table, the rows the server declared for it: the sum of the {@code rows} of
 *       the end markers of the pages it sent, which {@link ShadowProgress} records with each page
 *       (the loader only commits a page whose marker counts the rows that arrived);
 *   <li>for a kept table, {@code COUNT(*)} of the same table in the active database it was copied
 *       from.
 * </ul>
 *
 * <p>Not against a live {@code COUNT(*)} on the server: the pages of a table are separate reads, so
 * while the application writes, no single count of the server's table describes the rows that were
 * sent (a row inserted behind the cursor is missing, one deleted after its page was sent is extra),
 * and such a difference is not an error: the change feed reconciles it later. What the server stated
 * for the pages it sent is exact, so a difference from it can only be a local fault (rows lost or
 * duplicated while storing or resuming): {@link ErrorCode#REPLICA_ERROR}.
 *
 * <p>On a mismatch the sync fails and the shadow is not activated; the active replica is not touched.
 * The tables that failed are emptied and their progress forgotten (one transaction), so the next sync
 * resumes the shadow and loads only those tables again, instead of failing the same check for ever.
 */
final class ShadowRowCounts {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowRowCounts.class);

    /** Tables counted by one query at most: a statement's generated code has a size limit. */
    static final int TABLES_PER_QUERY = 50;

    private ShadowRowCounts() {}

    /**
     * Checks every table of {@code plan} in the complete shadow behind {@code shadow}.
     *
     * @param store the replica, whose active database holds the kept tables' sources
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} naming each table whose count differs,
     *     with both counts
     */
    static void verify(Connection shadow, RebuildPlan plan, DerbyReplicaStore store) throws SQLException {
        Map<String, ShadowProgress.Table> progress = ShadowProgress.tables(shadow);
        List<ReplicaTable> kept = plan.tables().stream()
                .filter(t -> plan.kept().contains(t.name()))
                .toList();
        Map<String, Long> keptCounts;
        if (kept.isEmpty()) {
            keptCounts = Map.of();
        } else {
            try (Connection active = store.connect()) {
                keptCounts = counts(active, kept);
            }
        }
        Map<String, Long> counts = counts(shadow, plan.tables());
        List<String> mismatches = new ArrayList<>();
        List<ReplicaTable> failed = new ArrayList<>();
        for (ReplicaTable table : plan.tables()) {
            boolean isKept = keptCounts.containsKey(table.name());
            long expected;
            if (isKept) {
                expected = keptCounts.get(table.name());
            } else {
                ShadowProgress.Table done = progress.get(table.name());
                expected = done == null || !done.done() ? -1 : done.rows();
            }
            long actual = counts.get(table.name());
            if (actual != expected) {
                failed.add(table);
                mismatches.add(
                        expected < 0
                                ? table.name() + " holds " + actual
                                        + " rows but its download is not recorded as complete"
                                : table.name() + " holds " + actual + " rows but "
                                        + (isKept ? "the active replica it was copied from has " : "the server sent ")
                                        + expected);
            }
        }
        if (failed.isEmpty()) {
            LOG.debug(
                    "Row counts of all {} tables of the new database verified",
                    plan.tables().size());
            return;
        }
        LOG.warn("The new database failed verification: {}", mismatches);
        reset(shadow, failed);
        throw new OutpostException(
                ErrorCode.REPLICA_ERROR,
                "The new replica database failed verification and was not activated, the replica is"
                        + " unchanged: table " + String.join("; table ", mismatches) + ". The next sync loads "
                        + failed.stream().map(ReplicaTable::name).collect(Collectors.joining(", "))
                        + " again");
    }

    /**
     * The row count of each of {@code tables}, {@value #TABLES_PER_QUERY} tables per query ({@code
     * UNION ALL}): Derby compiles each statement into a class of its own, which costs more than
     * counting a small table. Without row locks ({@code WITH UR}): nothing else writes the shadow,
     * which is private until activated, nor the active database while a rebuild runs, and taking and
     * releasing a lock per row was most of a large table's count.
     */
    private static Map<String, Long> counts(Connection c, List<ReplicaTable> tables) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        for (int from = 0; from < tables.size(); from += TABLES_PER_QUERY) {
            List<ReplicaTable> chunk = tables.subList(from, Math.min(tables.size(), from + TABLES_PER_QUERY));
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : " union all ")
                        .append("select ")
                        .append(i)
                        .append(", count(*) from ")
                        .append(chunk.get(i).sqlName());
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql.append(" with ur").toString())) {
                while (rs.next()) {
                    counts.put(chunk.get(rs.getInt(1)).name(), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    /** Empties {@code tables} and forgets their progress, in one transaction. */
    private static void reset(Connection shadow, List<ReplicaTable> tables) throws SQLException {
        Transactions.inOne(shadow, s -> {
            for (ReplicaTable table : tables) {
                s.executeUpdate("delete from " + table.sqlName());
                ShadowProgress.forget(shadow, table.name());
                Quarantine.clear(shadow, table.name());
            }
        });
    }
}
