package dev.outpost.client.internal.http;

/**
 * The server does not send a table's columns apart to this replica ({@link
 * dev.outpost.protocol.SyncPaths#COLUMN_PARAM}, answered 409): its grant names columns or filters rows,
 * so its change feed leaves out changes made under the table's earlier definition, which a table that
 * kept its columns would miss. The table is downloaded whole instead.
 */
public final class ColumnsRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ColumnsRefused(String detail) {
        super(detail);
    }
}
