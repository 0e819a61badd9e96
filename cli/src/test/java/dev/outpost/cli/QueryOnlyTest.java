package dev.outpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import org.junit.jupiter.api.Test;

/** {@code sql} refuses anything but a query, however it is dressed. */
class QueryOnlyTest {
    @Test
    void queriesPass() {
        for (String sql : new String[] {
            "select * from users",
            "  SELECT 1 from users",
            "values 1",
            "with t as (select 1 from users) select * from t",
            "-- a comment\nselect 1 from users",
            "/* a comment */ (select 1 from users)"
        }) {
            assertEquals(sql, QueryOnly.check(sql));
        }
    }

    @Test
    void everythingElseIsRefusedNamingWhatItIs() {
        for (String sql : new String[] {
            "CALL SYSCS_UTIL.SYSCS_EXPORT_TABLE(null, 'USERS', '/tmp/x.csv', null, null, null)",
            "/* select */ call syscs_util.syscs_set_database_property('a', 'b')",
            "delete from users",
            "drop table users",
            "-- select\ninsert into users values (1)",
            "",
            "   "
        }) {
            OutpostException e = assertThrows(OutpostException.class, () -> QueryOnly.check(sql), sql);
            assertEquals(ErrorCode.CONFIG_INVALID, e.code());
            assertTrue(e.getMessage().startsWith("sql runs queries only"), e.getMessage());
        }
    }
}
