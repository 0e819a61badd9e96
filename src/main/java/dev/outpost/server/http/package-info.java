/**
 * HTTP plumbing shared by the resources: gzip for streamed responses ({@link
 * dev.outpost.server.http.Compress}) and ETag-validated responses with {@code Cache-Control:
 * no-cache} ({@link dev.outpost.server.http.Revalidated}), a client closing its connection mid-answer logged as one line ({@link
 * dev.outpost.server.http.ClientGoneInterceptor}), and the size limit on request bodies
 * ({@link dev.outpost.server.http.BodySizeLimitFilter}).
 */
package dev.outpost.server.http;
