/**
 * HTTP plumbing shared by the resources: gzip for streamed responses ({@link
 * dev.outpost.server.http.Compress}) and ETag-validated responses with {@code Cache-Control:
 * no-cache} ({@link dev.outpost.server.http.Revalidated}), and the size limit on request bodies
 * ({@link dev.outpost.server.http.BodySizeLimitFilter}).
 */
package dev.outpost.server.http;
