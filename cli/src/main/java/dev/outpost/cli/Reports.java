package dev.outpost.cli;

import dev.outpost.client.Quarantined;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncResult;
import dev.outpost.client.VerifyResult;
import dev.outpost.protocol.ChangeSetInfo;
import dev.outpost.protocol.VersionInfo;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;

/**
 * The {@code --json} output of {@code sync}, {@code status} and {@code verify}: one JSON object on one
 * line per report, keys in snake_case, an absent value as null, durations in milliseconds, instants in
 * ISO-8601. The fields follow the client's {@link SyncResult}, {@link ReplicaStatus} and {@link
 * VerifyResult}; README's command line section lists them.
 */
final class Reports {
    private Reports() {}

    /** What {@code sync} did, with {@code "event": "sync"} (live mode's later lines have others). */
    static void sync(PrintWriter out, String event, SyncResult r) {
        line(out, json -> {
            json.write("event", event);
            json.write("outcome", r.outcome().name());
            text(json, "previous_tag", r.previousTag());
            text(json, "new_tag", r.newTag());
            strings(json, "tables_rebuilt", r.tablesRebuilt());
            strings(json, "tables_kept", r.tablesKept());
            strings(json, "tables_reloaded", r.tablesReloaded());
            json.write("rows", r.rows());
            json.write("bytes", r.bytes());
            json.write("changes_applied", r.changesApplied());
            json.write("duration_ms", r.duration().toMillis());
            quarantined(json, r.quarantined());
        });
    }

    /** Changes live mode applied from the feed. */
    static void changesApplied(PrintWriter out, long changes, long position) {
        line(out, json -> {
            json.write("event", "changes_applied");
            json.write("changes", changes);
            json.write("position", position);
        });
    }

    /** The replica next to the server ({@code quarantined}: the replica's, empty when there is none). */
    static void status(PrintWriter out, String directory, ReplicaStatus s, List<Quarantined> quarantined) {
        line(out, json -> {
            text(
                    json,
                    "replica_id",
                    s.replicaId() == null ? null : s.replicaId().toString());
            json.write("directory", directory);
            ReplicaStatus.Local local = s.local();
            if (local == null) {
                json.writeNull("local");
            } else {
                json.writeStartObject("local");
                text(json, "tag", local.tag());
                text(json, "schema_fingerprint", local.schemaFingerprint());
                text(json, "latest_change_set", local.latestChangeSet());
                text(
                        json,
                        "synced_at",
                        local.syncedAt() == null ? null : local.syncedAt().toString());
                text(json, "database", local.database());
                if (local.feedPosition() == null) {
                    json.writeNull("feed_position");
                } else {
                    json.write("feed_position", local.feedPosition());
                }
                json.writeStartArray("tables");
                for (ReplicaStatus.Table t : local.tables()) {
                    json.writeStartObject()
                            .write("name", t.name())
                            .write("fingerprint", t.fingerprint())
                            .write("rows", t.rows())
                            .writeEnd();
                }
                json.writeEnd().writeEnd();
            }
            quarantined(json, quarantined);
            if (s.pending() == null) {
                json.writeNull("pending");
            } else {
                json.writeStartObject("pending")
                        .write("database", s.pending().database())
                        .write("bytes", s.pending().bytes())
                        .writeEnd();
            }
            VersionInfo server = s.server();
            if (server == null) {
                json.writeNull("server");
            } else {
                json.writeStartObject("server");
                text(json, "tag", server.tag());
                text(json, "schema_fingerprint", server.schemaFingerprint());
                ChangeSetInfo changeSet = server.latestChangeSet();
                text(json, "latest_change_set", changeSet == null ? null : changeSet.id());
                text(json, "database", server.database());
                json.writeEnd();
            }
            if (s.serverError() == null) {
                json.writeNull("server_error");
            } else {
                json.writeStartObject("server_error")
                        .write("code", s.serverError().code().name())
                        .write("message", s.serverError().getMessage())
                        .writeEnd();
            }
            json.write("up_to_date", s.upToDate());
        });
    }

    /** The comparison, table by table ({@code replica_rows} null for a table the replica lacks). */
    static void verify(PrintWriter out, VerifyResult r, List<Quarantined> quarantined) {
        line(out, json -> {
            json.write("matches", r.matches());
            json.write("duration_ms", r.duration().toMillis());
            json.writeStartArray("tables");
            for (VerifyResult.Table t : r.tables()) {
                json.writeStartObject();
                json.write("name", t.name());
                json.write("matches", t.matches());
                json.write("server_rows", t.serverRows());
                if (t.replicaRows() < 0) {
                    json.writeNull("replica_rows");
                } else {
                    json.write("replica_rows", t.replicaRows());
                }
                text(json, "server_digest", t.serverDigest());
                text(json, "replica_digest", t.replicaDigest());
                text(json, "problem", t.problem());
                json.write("difference", t.difference());
                json.writeEnd();
            }
            json.writeEnd();
            quarantined(json, quarantined);
        });
    }

    /** {@code out} for a generator that closes what it writes to: flushed, never closed. */
    static Writer unclosed(Writer out) {
        return new FilterWriter(out) {
            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private interface Fields {
        void write(JsonGenerator json);
    }

    private static void line(PrintWriter out, Fields fields) {
        synchronized (out) {
            JsonGenerator json = Json.createGenerator(unclosed(out));
            json.writeStartObject();
            fields.write(json);
            json.writeEnd();
            json.close();
            out.println();
            out.flush();
        }
    }

    private static void text(JsonGenerator json, String key, String value) {
        if (value == null) {
            json.writeNull(key);
        } else {
            json.write(key, value);
        }
    }

    private static void strings(JsonGenerator json, String key, List<String> values) {
        json.writeStartArray(key);
        values.forEach(json::write);
        json.writeEnd();
    }

    private static void quarantined(JsonGenerator json, List<Quarantined> quarantined) {
        json.writeStartArray("quarantined");
        for (Quarantined q : quarantined) {
            json.writeStartObject()
                    .write("table", q.table())
                    .write("column", q.column())
                    .write("values", q.values())
                    .writeEnd();
        }
        json.writeEnd();
    }
}
