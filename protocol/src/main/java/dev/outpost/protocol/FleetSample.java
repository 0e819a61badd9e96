package dev.outpost.protocol;

import java.time.OffsetDateTime;

/**
 * The fleet at one moment ({@code GET admin/fleet/history}), sampled by the servers once a minute.
 *
 * @param at when
 * @param replicas replicas known
 * @param current replicas neither behind the feed nor failing
 * @param behind replicas with changes of the feed still to apply
 * @param failing replicas whose last sync failed
 * @param stale replicas not seen for a day
 * @param maxChangesBehind the largest number of positions a replica was behind
 * @param maxSecondsBehind the largest age, in seconds, of a change a replica had not applied
 */
public record FleetSample(
        OffsetDateTime at,
        int replicas,
        int current,
        int behind,
        int failing,
        int stale,
        long maxChangesBehind,
        long maxSecondsBehind) {}
