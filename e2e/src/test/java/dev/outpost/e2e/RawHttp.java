package dev.outpost.e2e;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * One HTTP/1.1 exchange over a plain socket, so that a test can send what an HTTP client library would
 * refuse or normalise (bad escapes, NUL bytes in headers, odd methods) and read the answer exactly.
 */
final class RawHttp {
    private RawHttp() {}

    /** An answer: status, headers by lower-case name, the head as sent, the body decoded (chunked, gzip, zstd). */
    record Answer(int status, Map<String, String> headers, String head, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** Sends {@code method path} with {@code headers} ({name, value} pairs) to 127.0.0.1:{@code port}. */
    static Answer exchange(int port, String method, String path, List<String[]> headers) {
        StringBuilder request = new StringBuilder();
        request.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        request.append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (String[] header : headers) {
            request.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            request.append("Content-Length: 0\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer parse(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        int split = -1;
        for (int i = 0; i + 3 < all.length; i++) {
            if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                split = i;
                break;
            }
        }
        if (split < 0) {
            throw new IOException("no complete answer: " + new String(all, StandardCharsets.ISO_8859_1));
        }
        String head = new String(all, 0, split, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        byte[] body = Arrays.copyOfRange(all, split + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        String coding = headers.getOrDefault("content-encoding", "").toLowerCase(Locale.ROOT);
        if (coding.equals("gzip") || coding.equals("zstd")) {
            try (InputStream decoded = coding.equals("gzip")
                    ? new GZIPInputStream(new ByteArrayInputStream(body))
                    : new ZstdInputStream(new ByteArrayInputStream(body))) {
                body = decoded.readAllBytes();
            }
        }
        return new Answer(status, headers, head, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int eol = at;
            while (eol + 1 < chunked.length && !(chunked[eol] == '\r' && chunked[eol + 1] == '\n')) {
                eol++;
            }
            if (eol + 1 >= chunked.length) {
                throw new IOException("a chunked body that ends early");
            }
            String size = new String(chunked, at, eol - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                return out.toByteArray();
            }
            out.write(chunked, eol + 2, length);
            at = eol + 2 + length + 2;
        }
    }
}
