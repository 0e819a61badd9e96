package dev.outpost.server.testsupport;

import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.AccessScopes;
import dev.outpost.server.access.Caller;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.interceptor.Interceptor;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A scope source a test controls, added only to the WAR of tests that need it: while the schema
 * {@value #SCHEMA} exists, every caller's scope is the grants in {@code outpost_test.grants} ({@code
 * table_name, columns text[], row_filter}) with the attributes in {@code outpost_test.attributes}
 * ({@code name, vals text[]}); without it, every caller is unrestricted, as with the settings' tokens.
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 100)
@ApplicationScoped
public class TableAccessScopes implements AccessScopes {
    public static final String SCHEMA = "outpost_test";
    private static final String UNDEFINED_TABLE = "42P01";

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Override
    public AccessScope of(Optional<Caller> caller) {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            Map<String, TableGrant> grants = new HashMap<>();
            try (ResultSet rs = st.executeQuery("select table_name, columns, row_filter from " + SCHEMA + ".grants")) {
                while (rs.next()) {
                    grants.put(
                            rs.getString(1),
                            new TableGrant(
                                    rs.getString(1),
                                    Optional.ofNullable(list(rs.getArray(2))),
                                    Optional.ofNullable(rs.getString(3))));
                }
            }
            Map<String, List<String>> attributes = new HashMap<>();
            try (ResultSet rs = st.executeQuery("select name, vals from " + SCHEMA + ".attributes")) {
                while (rs.next()) {
                    attributes.put(rs.getString(1), list(rs.getArray(2)));
                }
            }
            return new AccessScope(false, grants, attributes);
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return AccessScope.UNRESTRICTED;
            }
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(Array array) throws SQLException {
        return array == null ? null : Arrays.asList((String[]) array.getArray());
    }
}
