package dev.outpost.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutpostSettingsTest {
    private static Properties database() {
        Properties p = new Properties();
        p.setProperty("db.host", "pg.example");
        p.setProperty("db.port", "5433");
        p.setProperty("db.name", "app");
        p.setProperty("db.user", "outpost");
        return p;
    }

    private static Properties with(String key, String value) {
        Properties p = database();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void everyOptionalSettingHasTheDefaultTheOperatorsGuideDocuments() {
        OutpostSettings s = new OutpostSettings(database());
        assertEquals("jdbc:postgresql://pg.example:5433/app", s.database().jdbcUrl());
        assertEquals("", s.database().password());
        assertTrue(s.liquibaseEnabled());
        assertEquals("liquibase/changelog-master.xml", s.changelog());
        assertEquals("public", s.schema());
        assertEquals(List.of("public"), s.scope().schemas());
        assertEquals(Set.of(), s.scope().only());
        assertEquals(Set.of(), s.syncTokens());
        assertEquals(Set.of(), s.adminTokens());
        assertTrue(s.captureEnabled());
        assertFalse(s.dropSlotOnUndeploy());
        assertEquals(168, s.retentionHours());
        assertEquals(1000, s.versionMaxAgeMillis());
    }

    @Test
    void theDatabaseSettingsAreRequiredAndTheErrorNamesTheMissingOne() {
        for (String key : List.of("db.host", "db.port", "db.name", "db.user")) {
            Properties p = database();
            p.remove(key);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new OutpostSettings(p));
            assertTrue(e.getMessage().startsWith("setting " + key + " is required"), e.getMessage());
        }
    }

    @Test
    void theDatabaseSettingsNeverPrintThePassword() {
        OutpostSettings s = new OutpostSettings(with("db.password", "s3cret"));
        assertEquals("s3cret", s.database().password());
        assertFalse(s.database().toString().contains("s3cret"), s.database().toString());
    }

    @Test
    void valuesAreTrimmedAndListsSplitOnCommas() {
        Properties p = with("outpost.version.max-age-ms", " 250 ");
        p.setProperty("outpost.sync-tokens", " a , b,,");
        p.setProperty("outpost.schemas", "public, audit");
        OutpostSettings s = new OutpostSettings(p);
        assertEquals(250, s.versionMaxAgeMillis());
        assertEquals(Set.of("a", "b"), s.syncTokens());
        assertEquals(List.of("public", "audit"), s.scope().schemas());
        assertEquals(0, new OutpostSettings(with("outpost.version.max-age-ms", "0")).versionMaxAgeMillis());
    }

    @Test
    void aMalformedSettingStopsTheStartNamingIt() {
        String[][] bad = {
            {"outpost.version.max-age-ms", "-1"},
            {"outpost.version.max-age-ms", "1s"},
            {"outpost.version.max-age-ms", "3600001"},
            {"outpost.changes.retention-hours", "0"},
            {"outpost.capture.enabled", "yes"},
            {"db.port", "65536"},
        };
        for (String[] setting : bad) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> new OutpostSettings(with(setting[0], setting[1])));
            assertTrue(e.getMessage().startsWith("setting " + setting[0] + " must be"), e.getMessage());
        }
    }

    @Test
    void aBootstrapTokenListedUnderTwoRolesIsRefused() {
        Properties p = with("outpost.admin-tokens", "t");
        p.setProperty("outpost.sync-tokens", "t");
        assertThrows(IllegalStateException.class, () -> new OutpostSettings(p));
    }
}
