/**
 * The server's counters, kept in memory by each instance and read by Prometheus through {@code GET
 * /api/metrics}: requests by endpoint family and status class, rows and bytes streamed, sync reports
 * by outcome. Counting is a few atomic additions on the hot paths, never a database query; what needs
 * the database is read when Prometheus scrapes ({@code server.operations}). Depends on no other feature
 * package, so every feature may count into it.
 */
package dev.outpost.server.metrics;
