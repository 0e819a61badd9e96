package dev.outpost.protocol;

/**
 * Paths of the operations endpoints, relative to the application root ({@code /api}): health for load
 * balancers and orchestrators, metrics for Prometheus, and the API's OpenAPI description.
 */
public final class OperationsPaths {
    /** Root of the health endpoints; answered without a token, with {@link Health} bodies. */
    public static final String HEALTH = "health";

    /** {@code GET health/live}: 200 while the application answers at all; checks nothing else. */
    public static final String LIVE = "live";

    /**
     * {@code GET health/ready}: 200 when the instance can serve (database, changelog, capture), 503
     * otherwise; the body names each check and whether it is up.
     */
    public static final String READY = "ready";

    /** {@code GET metrics}: Prometheus' text format; needs a metrics or admin token. */
    public static final String METRICS = "metrics";

    /** {@code GET openapi.yaml}: the OpenAPI 3 description of the whole API; needs any valid token. */
    public static final String OPENAPI = "openapi.yaml";

    /** Media type of the metrics answer: Prometheus' text exposition format 0.0.4. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** Media type of the OpenAPI document. */
    public static final String YAML = "application/yaml";

    private OperationsPaths() {}
}
