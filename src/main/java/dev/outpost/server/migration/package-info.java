/**
 * Applies the Liquibase changelog at start-up when {@code outpost.liquibase.enabled} is true (the
 * default). Teams that run Liquibase from their pipeline turn it off; every other feature reads the
 * database as it finds it.
 */
package dev.outpost.server.migration;
