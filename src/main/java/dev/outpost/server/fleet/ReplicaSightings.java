package dev.outpost.server.fleet;

import dev.outpost.protocol.SyncReport;
import dev.outpost.server.access.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance saw of its replicas since it last wrote: per replica the latest request (who,
 * when, which client, where in the feed) and its sync reports. Requests only touch memory;
 * {@link FleetRecorder} takes it all every few seconds and writes one row per replica.
 */
@ApplicationScoped
public class ReplicaSightings {
    /** Reports kept per replica between two writes; a replica syncing faster loses its oldest ones. */
    static final int MAX_REPORTS_PER_WRITE = 10;

    /** Replicas remembered between two writes; beyond it new replicas wait for the next write. */
    static final int MAX_REPLICAS_PER_WRITE = 100_000;

    /** A replica's latest request. */
    record Sighting(Optional<Long> tokenId, String tokenName, String clientVersion, Instant at, Long position) {}

    /** A report and when it arrived. */
    record Report(Instant at, SyncReport report) {}

    /** What one replica did since the last write: its latest request, its reports (either may be absent). */
    record Pending(Sighting sighting, List<Report> reports) {}

    private final Map<UUID, Sighting> sightings = new ConcurrentHashMap<>();
    private final Map<UUID, List<Report>> reports = new ConcurrentHashMap<>();

    /**
     * A request of {@code replica} by {@code caller}.
     *
     * @param position its feed position, if the request said it (a changes request); else the last known
     */
    public void seen(UUID replica, Caller caller, String clientVersion, Long position) {
        if (sightings.size() >= MAX_REPLICAS_PER_WRITE && !sightings.containsKey(replica)) {
            return;
        }
        Sighting now = new Sighting(caller.tokenId(), caller.name(), clientVersion, Instant.now(), position);
        sightings.merge(
                replica,
                now,
                (before, latest) -> latest.position() != null
                        ? latest
                        : new Sighting(
                                latest.tokenId(),
                                latest.tokenName(),
                                latest.clientVersion(),
                                latest.at(),
                                before.position()));
    }

    /** A report of {@code replica}'s sync; also a sighting. */
    public void reported(UUID replica, Caller caller, String clientVersion, SyncReport report) {
        seen(replica, caller, clientVersion, report.position());
        if (!sightings.containsKey(replica)) {
            return;
        }
        reports.compute(replica, (id, list) -> {
            List<Report> kept = list == null ? new ArrayList<>() : list;
            if (kept.size() >= MAX_REPORTS_PER_WRITE) {
                kept.remove(0);
            }
            kept.add(new Report(Instant.now(), report));
            return kept;
        });
    }

    /** Takes everything seen since the last call (what is seen meanwhile waits for the next). */
    Map<UUID, Pending> take() {
        Map<UUID, Pending> taken = new java.util.HashMap<>();
        for (UUID replica : List.copyOf(sightings.keySet())) {
            Sighting sighting = sightings.remove(replica);
            List<Report> replicaReports = reports.remove(replica);
            if (sighting != null) {
                taken.put(
                        replica,
                        new Pending(sighting, replicaReports == null ? List.of() : List.copyOf(replicaReports)));
            }
        }
        return taken;
    }
}
