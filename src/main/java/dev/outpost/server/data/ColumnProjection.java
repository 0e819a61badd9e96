package dev.outpost.server.data;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.problem.ProblemException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The columns a page carries when the request names some ({@link SyncPaths#COLUMN_PARAM}): those named
 * and the primary key's, in the table's column order. A replica whose table only gained columns asks
 * for the key and the new ones. Only columns of the caller's view may be named, so a projection never
 * reaches a column the grant hides; any other name is a 400 that names it.
 */
final class ColumnProjection {
    private ColumnProjection() {}

    /** {@code view} with only the named and key columns; {@code view} itself when none are named. */
    static TableSchema of(TableSchema view, List<String> named) {
        if (named == null || named.isEmpty()) {
            return view;
        }
        Set<String> wanted = new HashSet<>(named);
        Set<String> known = new HashSet<>();
        view.columns().forEach(c -> known.add(c.name()));
        for (String name : wanted) {
            if (!known.contains(name)) {
                throw new ProblemException(
                        ProblemType.BAD_REQUEST,
                        "'" + SyncPaths.COLUMN_PARAM + "' names no column of " + view.name() + ": '" + name + "'");
            }
        }
        wanted.addAll(view.primaryKey());
        List<ColumnSchema> columns =
                view.columns().stream().filter(c -> wanted.contains(c.name())).toList();
        return new TableSchema(
                view.name(),
                view.schema(),
                columns,
                view.primaryKey(),
                view.uniqueConstraints(),
                view.foreignKeys(),
                view.fingerprint(),
                view.shape(),
                view.followed());
    }
}
