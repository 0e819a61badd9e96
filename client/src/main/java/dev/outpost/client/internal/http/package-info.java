/**
 * The server's sync API over {@code java.net.http}: bearer token, gzip, JSON-B for documents,
 * streamed NDJSON pages, and the one mapping of HTTP failures to {@link dev.outpost.client.ErrorCode}s.
 * No compatibility promises.
 */
package dev.outpost.client.internal.http;
