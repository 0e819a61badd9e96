package dev.outpost.bench;

import com.github.luben.zstd.Zstd;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.postgresql.PGConnection;

/**
 * Sizes the link bench compares the wire against: a table exported as plain CSV and gzipped at level
 * 6 (what a team would ship by hand), a table's pages as the server sends them compressed (its share
 * of a full sync), and one page of rows under several encodings with the time each takes.
 */
final class WireSizes {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private WireSizes() {}

    /** Bytes of {@code COPY table TO STDOUT WITH CSV} gzipped at level 6. */
    static long csvGzip6(String url, String table) throws Exception {
        CountingStream counted = new CountingStream();
        try (Connection pg = DriverManager.getConnection(url, "outpost", "outpost");
                GZIPOutputStream gzip = gzip(counted, 6)) {
            pg.unwrap(PGConnection.class).getCopyAPI().copyOut("copy " + table + " to stdout with csv", gzip);
        }
        return counted.bytes;
    }

    /**
     * Body bytes of all of {@code table}'s pages of {@code pageRows} as the server sends them to a
     * client that offers what the Outpost client offers ({@code zstd, gzip}): what the table costs in
     * a full sync, less headers and other requests.
     */
    static long compressedPages(URI base, String token, String table, int pageRows) throws Exception {
        return compressedPages(base, token, table, List.of(), pageRows);
    }

    /** The same for pages of the key and {@code columns} only (all columns when empty). */
    static long compressedPages(URI base, String token, String table, List<String> columns, int pageRows)
            throws Exception {
        long total = 0;
        String after = null;
        do {
            Answer answer = page(base, token, table, columns, pageRows, after, true);
            total += answer.body().length;
            after = nextCursor(answer.decoded());
        } while (after != null);
        return total;
    }

    /** A page's body as sent, and its content coding ({@code identity}: none). */
    private record Answer(byte[] body, String coding) {
        byte[] decoded() throws IOException {
            try (InputStream in =
                    switch (coding) {
                        case "zstd" -> new ZstdInputStream(new ByteArrayInputStream(body));
                        case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
                        default -> new ByteArrayInputStream(body);
                    }) {
                return in.readAllBytes();
            }
        }
    }

    /** One page of {@code table}'s rows as the server sends it uncompressed. */
    static byte[] rawPage(URI base, String token, String table, int pageRows) throws Exception {
        return page(base, token, table, List.of(), pageRows, null, false).body();
    }

    /** Prints {@code page}'s size raw and under each encoding, with the best of 3 times per raw MiB. */
    static void printEncodings(String what, byte[] page, long[] linkBytesPerSecond) throws IOException {
        System.out.printf(
                Locale.ROOT,
                "page encodings: %s, %,d bytes raw (%.2f MiB); time is the best of 3, per MiB of raw page,"
                        + " load average %.2f%n",
                what,
                page.length,
                page.length / 1048576.0,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StringBuilder header = new StringBuilder(
                String.format(Locale.ROOT, "  %-10s %12s %7s %12s", "encoding", "bytes", "ratio", "ms per MiB"));
        for (long rate : linkBytesPerSecond) {
            header.append(String.format(Locale.ROOT, " %14s", "s on " + rate * 8 / 1_000_000 + " Mbit/s"));
        }
        System.out.println(header);
        row("raw", page.length, page.length, Double.NaN, linkBytesPerSecond);
        for (int level : new int[] {1, 6, 9}) {
            encode("gzip " + level, page, bytes -> gzipped(bytes, level), linkBytesPerSecond);
        }
        for (int level : new int[] {1, 3, 6, 9}) {
            encode("zstd " + level, page, bytes -> Zstd.compress(bytes, level), linkBytesPerSecond);
        }
    }

    private static void encode(String name, byte[] page, UnaryOperator<byte[]> codec, long[] rates) {
        long best = Long.MAX_VALUE;
        int size = 0;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            size = codec.apply(page).length;
            best = Math.min(best, System.nanoTime() - start);
        }
        row(name, size, page.length, best / 1e6 / (page.length / 1048576.0), rates);
    }

    private static void row(String name, long size, long raw, double msPerMiB, long[] rates) {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "  %-10s %,12d %6.2fx %12s",
                name,
                size,
                (double) raw / size,
                Double.isNaN(msPerMiB) ? "-" : String.format(Locale.ROOT, "%.1f", msPerMiB)));
        for (long rate : rates) {
            line.append(String.format(Locale.ROOT, " %14.2f", (double) size / rate));
        }
        System.out.println(line);
    }

    private static Answer page(
            URI base, String token, String table, List<String> columns, int pageRows, String after, boolean compress)
            throws Exception {
        String query = SyncPaths.LIMIT_PARAM + "=" + pageRows
                + (after == null
                        ? ""
                        : "&" + SyncPaths.AFTER_PARAM + "=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        for (String column : columns) {
            query += "&" + SyncPaths.COLUMN_PARAM + "=" + URLEncoder.encode(column, StandardCharsets.UTF_8);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        base.resolve(SyncPaths.API_ROOT + "/" + SyncPaths.tableRows(table) + "?" + query))
                .header("Authorization", "Bearer " + token);
        if (compress) {
            request.header("Accept-Encoding", "zstd, gzip");
        }
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(table + " rows answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        String coding = response.headers().firstValue("Content-Encoding").orElse("identity");
        if (compress == coding.equals("identity")) {
            throw new IllegalStateException(table + " rows: asked compressed " + compress + ", coded " + coding);
        }
        return new Answer(response.body(), coding);
    }

    /** The cursor in the end marker of a page (its last line). */
    private static String nextCursor(byte[] page) {
        String text = new String(page, StandardCharsets.UTF_8).stripTrailing();
        String last = text.substring(text.lastIndexOf('\n') + 1);
        return ((RowLines.End) RowLines.parse(last)).next();
    }

    private static byte[] gzipped(byte[] bytes, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
        try (GZIPOutputStream gzip = gzip(out, level)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static GZIPOutputStream gzip(OutputStream out, int level) throws IOException {
        return new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(level);
            }
        };
    }

    /** Counts what is written and keeps nothing. */
    private static final class CountingStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
