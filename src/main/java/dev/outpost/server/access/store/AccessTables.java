package dev.outpost.server.access.store;

import dev.outpost.server.capture.FeedTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The token store's tables, in the server's own schema ({@value FeedTables#SCHEMA}). */
public final class AccessTables {
    public static final String TOKENS = FeedTables.SCHEMA + ".tokens";
    public static final String GRANTS = FeedTables.SCHEMA + ".token_grants";
    public static final String ATTRIBUTES = FeedTables.SCHEMA + ".token_attributes";
    public static final String AUDIT = FeedTables.SCHEMA + ".audit";

    /** The roles a stored token may have, as SQL: every {@link TokenRole}'s wire name. */
    private static final String ROLES = Arrays.stream(TokenRole.values())
            .map(r -> "'" + r.wireName() + "'")
            .collect(Collectors.joining(", ", "(", ")"));

    /** SQL true when the constraint's definition names every role. */
    private static final String ALL_ROLES_CHECKED = Arrays.stream(TokenRole.values())
            .map(r -> " and pg_get_constraintdef(oid) like '%''" + r.wireName() + "''%'")
            .collect(Collectors.joining());

    private AccessTables() {}

    /** Creates the tables when missing (idempotent, safe to run from every instance at once). */
    public static void create(Connection connection) throws SQLException {
        FeedTables.createUnderLock(
                connection,
                "create table if not exists " + TOKENS + " ("
                        + " id bigint generated always as identity primary key,"
                        + " name text not null,"
                        + " role text not null constraint tokens_role_check check (role in " + ROLES + "),"
                        + " secret_sha256 bytea not null unique,"
                        + " created_at timestamptz not null default now(),"
                        + " last_used_at timestamptz,"
                        + " expires_at timestamptz,"
                        + " revoked_at timestamptz)",
                // a store made before a role was added: its check is replaced once (only then locking the table)
                "do $$ begin if not exists (select 1 from pg_constraint where conname = 'tokens_role_check'"
                        + " and conrelid = '" + TOKENS + "'::regclass"
                        + ALL_ROLES_CHECKED + ") then"
                        + " alter table " + TOKENS + " drop constraint if exists tokens_role_check;"
                        + " alter table " + TOKENS + " add constraint tokens_role_check check (role in " + ROLES + ");"
                        + " end if; end $$",
                "create unique index if not exists tokens_live_name on " + TOKENS + " (name) where revoked_at is null",
                "create table if not exists " + GRANTS + " ("
                        + " token_id bigint not null references " + TOKENS + " on delete cascade,"
                        + " table_name text not null,"
                        + " columns text[],"
                        + " row_filter text,"
                        + " primary key (token_id, table_name))",
                "create table if not exists " + ATTRIBUTES + " ("
                        + " token_id bigint not null references " + TOKENS + " on delete cascade,"
                        + " name text not null,"
                        + " vals text[] not null,"
                        + " primary key (token_id, name))",
                "create table if not exists " + AUDIT + " ("
                        + " id bigint generated always as identity primary key,"
                        + " who text not null,"
                        + " what text not null,"
                        + " token_id bigint,"
                        + " at timestamptz not null default now(),"
                        + " detail text not null)",
                "create index if not exists audit_token on " + AUDIT + " (token_id, id)");
    }
}
