package dev.outpost.server.operations;

import dev.outpost.protocol.OperationsPaths;
import dev.outpost.server.metrics.ServerMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/metrics}: this instance's counters ({@link ServerMetrics}) and the gauges read when
 * scraped ({@link ScrapeGauges}), in Prometheus' text format 0.0.4. Needs a metrics or an admin token
 * ({@code web.xml}); Prometheus sends one with {@code authorization: {credentials: ...}} in its scrape
 * configuration.
 */
@Path(OperationsPaths.METRICS)
@RequestScoped
public class MetricsResource {
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    @Inject
    private ServerMetrics metrics;

    @Inject
    private ScrapeGauges gauges;

    @GET
    public Response scrape() {
        List<MetricSnapshot> all = new ArrayList<>();
        metrics.scrape().forEach(all::add);
        all.addAll(gauges.collect());
        MetricSnapshots snapshots = new MetricSnapshots(all);
        StreamingOutput body = out -> WRITER.write(out, snapshots);
        return Response.ok(body)
                .header("Content-Type", OperationsPaths.PROMETHEUS_TEXT)
                .header("Cache-Control", "no-store")
                .build();
    }
}
