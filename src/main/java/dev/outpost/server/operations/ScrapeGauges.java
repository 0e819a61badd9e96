package dev.outpost.server.operations;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.FleetSample;
import dev.outpost.server.changes.FeedStatusReader;
import dev.outpost.server.changes.WaitingPolls;
import dev.outpost.server.fleet.FleetReader;
import dev.outpost.server.version.CoalescedRead;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gauges read from PostgreSQL when Prometheus scrapes: the change feed (mode, slot, lag, positions)
 * and the fleet (replicas known, current, behind, failing, stale, the largest lag). Two small queries,
 * run at most once a second and at most one at a time, with a deadline of {@value #DEADLINE_MILLIS} ms;
 * when PostgreSQL does not answer in time only {@code outpost_database_up 0} is reported, so a scrape
 * never hangs on the database. The long polls waiting on this instance are counted in memory.
 */
@ApplicationScoped
public class ScrapeGauges {
    static final long DEADLINE_MILLIS = 3_000;
    private static final long REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = Logger.getLogger(ScrapeGauges.class.getName());

    @Resource
    private ManagedExecutorService executor;

    @Inject
    private FeedStatusReader feed;

    @Inject
    private FleetReader fleet;

    @Inject
    private WaitingPolls polls;

    private final CoalescedRead<Optional<Reading>> read = new CoalescedRead<>(this::query, System::nanoTime);

    private record Reading(FeedStatus feed, FleetSample fleet) {}

    /** The gauges now. */
    public List<MetricSnapshot> collect() {
        Optional<Reading> reading = read.get(System.nanoTime() - REUSE_NANOS, executor, DEADLINE_MILLIS)
                .flatMap(r -> r);
        List<MetricSnapshot> gauges = new ArrayList<>();
        gauges.add(gauge(
                "outpost_database_up",
                "Whether PostgreSQL answered this scrape's queries",
                reading.isPresent() ? 1 : 0));
        gauges.add(gauge(
                "outpost_feed_waiting_polls", "Long polls waiting for a change on this instance", polls.waiting()));
        reading.ifPresent(r -> {
            FeedStatus f = r.feed();
            gauges.add(gauge(
                    "outpost_feed_capturing",
                    "Whether the change feed runs (1) or the server is snapshot-only (0)",
                    FeedStatus.CAPTURING.equals(f.mode()) ? 1 : 0));
            gauges.add(gauge(
                    "outpost_feed_slot_active",
                    "Whether an instance reads the feed's replication slot",
                    f.slotActive() ? 1 : 0));
            if (f.slotLagBytes() != null) {
                gauges.add(gauge(
                        "outpost_feed_slot_lag_bytes",
                        "WAL bytes PostgreSQL keeps for the replication slot, not yet acknowledged by capture",
                        f.slotLagBytes()));
            }
            gauges.add(gauge("outpost_feed_latest_position", "The change feed's newest position", f.latestPosition()));
            gauges.add(gauge(
                    "outpost_feed_horizon_position",
                    "Positions up to this one were deleted by retention",
                    f.horizon()));
            FleetSample s = r.fleet();
            gauges.add(gauge("outpost_replicas_known", "Replicas the servers have seen", s.replicas()));
            gauges.add(gauge(
                    "outpost_replicas_current",
                    "Replicas with no change waiting and no failed last sync",
                    s.current()));
            gauges.add(gauge("outpost_replicas_behind", "Replicas with changes waiting", s.behind()));
            gauges.add(gauge("outpost_replicas_failing", "Replicas whose last sync failed", s.failing()));
            gauges.add(gauge("outpost_replicas_stale", "Replicas not seen for a day", s.stale()));
            gauges.add(gauge(
                    "outpost_replicas_max_changes_behind",
                    "The largest number of changes a replica has waiting",
                    s.maxChangesBehind()));
            gauges.add(gauge(
                    "outpost_replicas_max_seconds_behind",
                    "How long ago the oldest change waiting for any replica was captured, in seconds",
                    s.maxSecondsBehind()));
        });
        return gauges;
    }

    /**
     * The two queries' answers, or empty when PostgreSQL failed them: a failure is kept for a second
     * like an answer, so a failing database is not asked more often than a working one.
     */
    private Optional<Reading> query() {
        try {
            return Optional.of(new Reading(feed.read(), fleet.current()));
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "the scrape's gauges could not be read", e);
            return Optional.empty();
        }
    }

    private static MetricSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .value(value)
                        .build())
                .build();
    }
}
