package dev.outpost.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * This instance's counters since it started, in a registry of its own (not the library's global one,
 * so a redeployed application starts from zero and never sees another's). Each count is an addition to
 * an in-memory counter: cheap enough for every request and every streamed page. Prometheus computes
 * rates from the totals and notices restarts by itself.
 */
@ApplicationScoped
public class ServerMetrics {
    /** The {@code stream} label of rows and bytes streamed. */
    public enum Stream {
        /** Table pages ({@code sync/tables/{table}/rows}). */
        SNAPSHOT,
        /** The change feed ({@code sync/changes}). */
        CHANGES;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Set<String> OUTCOMES = Set.of("CREATED", "REBUILT", "RETAGGED", "UP_TO_DATE", "FAILED");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder()
            .name("outpost_http_requests_total")
            .help("HTTP requests answered, by endpoint family and status class")
            .labelNames("family", "status")
            .register(registry);
    private final Counter rows = Counter.builder()
            .name("outpost_streamed_rows_total")
            .help("Rows sent: table page rows (snapshot) and changes (changes)")
            .labelNames("stream")
            .register(registry);
    private final Counter bytes = Counter.builder()
            .name("outpost_streamed_bytes_total")
            .help("Bytes of row and change lines sent, before compression")
            .labelNames("stream")
            .register(registry);
    private final Counter reads = Counter.builder()
            .name("outpost_standby_eligible_reads_total")
            .help("Snapshot pages and catch-up reads of the change log that a hot standby may answer,"
                    + " by the PostgreSQL server that answered them")
            .labelNames("stream", "server")
            .register(registry);
    private final Counter syncs = Counter.builder()
            .name("outpost_sync_reports_total")
            .help("Sync reports received from replicas, by outcome")
            .labelNames("outcome")
            .register(registry);

    /** Counts an answered request of {@code family} ({@link EndpointFamily}) with {@code status}. */
    public void request(String family, int status) {
        requests.labelValues(family, EndpointFamily.statusClass(status)).inc();
    }

    /** Counts {@code rowCount} rows in {@code byteCount} bytes sent on {@code stream}. */
    public void streamed(Stream stream, long rowCount, long byteCount) {
        rows.labelValues(stream.label()).inc(rowCount);
        bytes.labelValues(stream.label()).inc(byteCount);
    }

    /** Counts a read on {@code stream} that a standby may answer, answered by it or by the primary. */
    public void standbyEligibleRead(Stream stream, boolean byStandby) {
        reads.labelValues(stream.label(), byStandby ? "standby" : "primary").inc();
    }

    /** Counts a sync report with {@code outcome} (one of the protocol's outcomes). */
    public void syncReported(String outcome) {
        syncs.labelValues(OUTCOMES.contains(outcome) ? outcome : "OTHER").inc();
    }

    /** The counters as they are now. */
    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
