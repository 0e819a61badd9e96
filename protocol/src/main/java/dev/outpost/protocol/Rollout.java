package dev.outpost.protocol;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code GET admin/releases/{tag}/rollout}: how a release reached the fleet over time.
 *
 * @param tag the release
 * @param replicas replicas the servers know now
 * @param onIt replicas whose latest report holds the release now
 * @param arrivals when each replica first reported holding the release, in time order (from the reports
 *     kept: a replica's 100 newest)
 */
public record Rollout(String tag, int replicas, int onIt, List<OffsetDateTime> arrivals) {}
