package dev.outpost.server.http;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Gzips the bodies of {@link Compress} methods when the request says {@code Accept-Encoding: gzip}.
 * Works on both JAX-RS implementations (Jersey on Payara, RESTEasy on WildFly) and streams: nothing
 * is buffered beyond the deflater's window.
 */
@Provider
@Compress
public class GzipWriterInterceptor implements WriterInterceptor {
    private static final int BUFFER = 64 * 1024;

    @Context
    private HttpHeaders requestHeaders;

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        String accepted = requestHeaders.getHeaderString(HttpHeaders.ACCEPT_ENCODING);
        context.getHeaders().add(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (accepted == null || !accepted.toLowerCase(Locale.ROOT).contains("gzip")) {
            context.proceed();
            return;
        }
        context.getHeaders().putSingle(HttpHeaders.CONTENT_ENCODING, "gzip");
        GZIPOutputStream gzip = new GZIPOutputStream(context.getOutputStream(), BUFFER) {
            {
                // the fastest level: row pages shrink about as well (they are repetitive), for a
                // fraction of the server's time at the default level
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
        context.setOutputStream(gzip);
        try {
            context.proceed();
        } finally {
            gzip.finish();
        }
    }
}
