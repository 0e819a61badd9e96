/**
 * HTTP plumbing shared by the resources: gzip for streamed responses ({@link
 * dev.outpost.server.http.Compress}) and ETag-validated responses with {@code Cache-Control:
 * no-cache} ({@link dev.outpost.server.http.Revalidated}).
 */
package dev.outpost.server.http;
