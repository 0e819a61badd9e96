package dev.outpost.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Example rows for each release of the example schema, written with plain JDBC as the application
 * would have written them. Values cover NULLs, non-ASCII text, bytea, dates and time zones.
 */
public final class DemoData {
    private DemoData() {}

    /** Rows for the release-1 tables: {@code companies} companies with {@code usersPerCompany} users each. */
    public static void release1(Connection c, int companies, int usersPerCompany) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement company = c.prepareStatement(
                        "insert into companies (name, credit_limit, created_at) values (?, ?, timestamptz '2024-03-01 09:00:00+01' + ? * interval '1 hour')");
                PreparedStatement user = c.prepareStatement(
                        "insert into users (company_id, email, display_name, active, birth_date, avatar, created_at)"
                                + " select max(id), ?, ?, ?, ?, ?, now() from companies");
                PreparedStatement workspace = c.prepareStatement(
                        "insert into workspaces (company_id, external_id, name, description) select max(id), ?, ?, ? from companies");
                PreparedStatement table =
                        c.prepareStatement("insert into data_tables (workspace_id, name, row_estimate, updated_at)"
                                + " select max(id), ?, ?, timestamp '2025-06-30 23:59:59.123456' from workspaces");
                PreparedStatement column = c.prepareStatement(
                        "insert into data_table_columns (data_table_id, name, data_type, position, nullable, max_length)"
                                + " select max(id), ?, ?, ?, ?, ? from data_tables")) {
            for (int i = 1; i <= companies; i++) {
                company.setString(1, "Company " + i + (i % 3 == 0 ? " Ærø & Søn" : ""));
                company.setBigDecimal(2, i % 4 == 0 ? null : new java.math.BigDecimal(i * 1000 + ".25"));
                company.setInt(3, i);
                company.executeUpdate();
                for (int u = 1; u <= usersPerCompany; u++) {
                    user.setString(1, "user" + u + "@company" + i + ".example");
                    user.setString(2, u % 5 == 0 ? null : "Üser " + u + (u % 7 == 0 ? " \uD83D\uDE80" : ""));
                    user.setBoolean(3, u % 3 != 0);
                    user.setObject(
                            4, u % 4 == 0 ? null : java.time.LocalDate.of(1970 + u % 40, 1 + u % 12, 1 + u % 28));
                    user.setBytes(5, u % 6 == 0 ? new byte[] {0, 1, (byte) 0xff, (byte) u} : null);
                    user.addBatch();
                }
                user.executeBatch();
                for (int w = 1; w <= 2; w++) {
                    workspace.setObject(1, UUID.nameUUIDFromBytes(("ws" + i + "-" + w).getBytes()));
                    workspace.setString(2, "Workspace " + w);
                    workspace.setString(3, w == 1 ? "line one\nline two \"quoted\"" : null);
                    workspace.executeUpdate();
                    table.setString(1, "table " + w);
                    table.setLong(2, 1000L * i * w);
                    table.executeUpdate();
                    for (int col = 1; col <= 5; col++) {
                        column.setString(1, "col" + col);
                        column.setString(2, col % 2 == 0 ? "text" : "integer");
                        column.setInt(3, col);
                        column.setBoolean(4, col != 1);
                        column.setObject(5, col % 2 == 0 ? 255 : null);
                        column.addBatch();
                    }
                    column.executeBatch();
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Values for what release 2 added: phone numbers and user preferences. */
    public static void release2(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("update users set phone = '+31 6 ' || lpad(id::text, 8, '0') where id % 2 = 0");
            st.executeUpdate("insert into user_preferences (user_id, theme, settings)"
                    + " select id, case when id % 2 = 0 then 'dark' else 'light' end,"
                    + " case when id % 3 = 0 then null else jsonb_build_object('lang', 'nl', 'size', id) end"
                    + " from users where id % 4 = 1");
        }
    }

    /** Values for what releases 3 and 4 added: countries and audit notes. */
    public static void release4(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("update companies set country = case when id % 2 = 0 then 'NL' else 'DE' end");
            st.executeUpdate(
                    "insert into audit_notes (user_id, note, score, created_at)"
                            + " select id, 'checked ' || email, case when id % 5 = 0 then null else id / 8.0 end,"
                            + " timestamptz '2025-01-01 00:00:00.5+05:30' + id * interval '1 minute' from users where id % 3 = 0");
        }
    }
}
