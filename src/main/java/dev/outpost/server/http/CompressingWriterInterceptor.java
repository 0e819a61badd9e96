package dev.outpost.server.http;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses the bodies of {@link Compress} methods in the encoding the request accepts ({@link
 * ContentCodings}): zstd when the client offers it, else gzip, else none. Works on both JAX-RS
 * implementations (Jersey on Payara, RESTEasy on WildFly) and streams: nothing is buffered beyond
 * the compressor's window. Both run at their fastest level: zstd's level 1 made row pages as small as
 * level 3 or smaller, in half the time or less, and gzip's shrinks them about as well as its default
 * for a fraction of the time ({@code docs/benchmarks.md}).
 */
@Provider
@Compress
public class CompressingWriterInterceptor implements WriterInterceptor {
    private static final int BUFFER = 64 * 1024;
    private static final int ZSTD_LEVEL = 1;

    @Context
    private HttpHeaders requestHeaders;

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        context.getHeaders().add(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        ContentCodings.Coding coding =
                ContentCodings.chosen(requestHeaders.getHeaderString(HttpHeaders.ACCEPT_ENCODING));
        if (coding == ContentCodings.Coding.IDENTITY) {
            context.proceed();
            return;
        }
        context.getHeaders().putSingle(HttpHeaders.CONTENT_ENCODING, coding.token());
        OutputStream compressed = coding == ContentCodings.Coding.ZSTD
                ? ContentCodings.zstd(context.getOutputStream(), ZSTD_LEVEL)
                : gzip(context.getOutputStream());
        context.setOutputStream(compressed);
        try {
            context.proceed();
        } finally {
            // ends the compressed stream (its last block and trailer), not the response
            if (compressed instanceof GZIPOutputStream gzip) {
                gzip.finish();
            } else {
                ((ContentCodings.ZstdBody) compressed).finish();
            }
        }
    }

    private static GZIPOutputStream gzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, BUFFER) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }
}
