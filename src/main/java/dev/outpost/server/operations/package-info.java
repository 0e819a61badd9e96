/**
 * What operators and their tools call: health for load balancers ({@code /api/health/live}, {@code
 * /api/health/ready}, no token, up/down only), metrics for Prometheus ({@code /api/metrics}: the
 * counters of {@code server.metrics} plus gauges read from PostgreSQL when scraped) and the OpenAPI
 * description of the whole API ({@code /api/openapi.yaml}). Every database read here runs with a
 * deadline and at most one at a time ({@link dev.outpost.server.version.CoalescedRead}), so a dead or
 * hanging PostgreSQL makes a probe answer "down" quickly instead of holding request threads.
 */
package dev.outpost.server.operations;
