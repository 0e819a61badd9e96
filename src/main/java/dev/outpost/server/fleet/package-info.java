/**
 * The server learns its replicas: each sync request names its replica ({@code Outpost-Replica}) and
 * client version, and each replica reports how its syncs ended ({@code POST sync/reports}).
 * {@link dev.outpost.server.fleet.ReplicaSightings} gathers both in memory per instance, {@link
 * dev.outpost.server.fleet.FleetRecorder} writes them to PostgreSQL every few seconds (one write per
 * replica at most, so a large fleet does not load the database), and every instance reads the same
 * fleet from there for the admin API ({@link dev.outpost.server.fleet.ReplicasResource}).
 */
package dev.outpost.server.fleet;
