package dev.outpost.client.internal.sync;

import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableDigest;
import dev.outpost.protocol.VersionInfo;
import java.io.BufferedReader;

/** Where a sync reads from: the server's sync API ({@code SyncHttpClient}) or, in tests, memory. */
public interface ReplicaSource {
    /** The server's version. */
    VersionInfo version();

    /** The synced tables as data. */
    SchemaInfo schema();

    /**
     * Streams one page of a table's rows to {@code reader} and returns what it returns.
     *
     * @param after cursor from the previous page's end marker, {@code null} for the first page
     */
    RowLines.End page(String table, String after, int limit, PageReader reader);

    /** The row count and digest of one synced table, for verifying a replica. */
    TableDigest digest(String table);

    /** Bytes received so far, on the wire. */
    long bytesReceived();

    /** Consumes one page's {@link RowLines}, line by line. */
    @FunctionalInterface
    interface PageReader {
        /** Reads the page up to and including its end marker. */
        RowLines.End read(BufferedReader lines);
    }
}
