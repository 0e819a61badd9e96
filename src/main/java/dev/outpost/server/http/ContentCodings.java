package dev.outpost.server.http;

import com.github.luben.zstd.ZstdOutputStream;
import com.github.luben.zstd.util.Native;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The content codings the server compresses with, and which one a request's {@code Accept-Encoding}
 * gets: zstd when offered (smaller than gzip at a fraction of its time, see {@code
 * docs/benchmarks.md}), else gzip, else none; a coding offered with {@code q=0} is refused, as HTTP
 * says. zstd is the native library of zstd-jni; where it cannot be loaded, requests get gzip.
 */
final class ContentCodings {
    private static final Logger LOG = Logger.getLogger(ContentCodings.class.getName());
    private static final boolean ZSTD_LOADED = loadZstd();

    /** A coding and its token in {@code Content-Encoding}. */
    enum Coding {
        ZSTD("zstd"),
        GZIP("gzip"),
        IDENTITY("identity");

        private final String token;

        Coding(String token) {
            this.token = token;
        }

        String token() {
            return token;
        }
    }

    private ContentCodings() {}

    /** The coding for a request that sent this {@code Accept-Encoding} ({@code null}: none). */
    static Coding chosen(String acceptEncoding) {
        if (acceptEncoding == null) {
            return Coding.IDENTITY;
        }
        boolean zstd = false;
        boolean gzip = false;
        for (String offer : acceptEncoding.split(",")) {
            String[] parts = offer.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if (refused(parts)) {
                continue;
            }
            zstd |= name.equals("zstd");
            gzip |= name.equals("gzip") || name.equals("x-gzip") || name.equals("*");
        }
        return zstd && ZSTD_LOADED ? Coding.ZSTD : gzip ? Coding.GZIP : Coding.IDENTITY;
    }

    /** A zstd body written to {@code response}; see {@link ZstdBody}. */
    static ZstdBody zstd(OutputStream response, int level) throws IOException {
        return new ZstdBody(response, level);
    }

    /**
     * A zstd-compressed body. {@link #finish()} ends the frame and frees the native compressor, and
     * leaves the response open; {@link #close()}, which the container calls after the interceptors,
     * finishes (once) and closes the response, as a {@code GZIPOutputStream} does.
     */
    static final class ZstdBody extends OutputStream {
        private final OutputStream response;
        private final ZstdOutputStream zstd;
        private boolean finished;

        private ZstdBody(OutputStream response, int level) throws IOException {
            this.response = response;
            this.zstd = new ZstdOutputStream(
                    new FilterOutputStream(response) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            response.write(b, off, len);
                        }

                        @Override
                        public void close() throws IOException {
                            flush(); // the frame ends here; the response stays open
                        }
                    },
                    level);
        }

        @Override
        public void write(int b) throws IOException {
            zstd.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            zstd.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (!finished) {
                zstd.flush();
            }
            response.flush();
        }

        /** Ends the frame and frees the compressor; the response stays open. */
        void finish() throws IOException {
            if (!finished) {
                finished = true;
                zstd.close();
            }
        }

        @Override
        public void close() throws IOException {
            finish();
            response.close();
        }
    }

    /** Whether the offer has a parameter {@code q=0} (any number of zeros after the point). */
    private static boolean refused(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim()) <= 0;
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean loadZstd() {
        try {
            Native.load();
            return true;
        } catch (LinkageError e) {
            LOG.log(Level.WARNING, "zstd is not available here, answers are compressed with gzip", e);
            return false;
        }
    }
}
