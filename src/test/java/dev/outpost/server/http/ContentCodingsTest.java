package dev.outpost.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.luben.zstd.ZstdInputStream;
import dev.outpost.server.http.ContentCodings.Coding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Which coding an {@code Accept-Encoding} gets, and a zstd body that ends its frame without closing the
 * response, then closes it when the container does.
 */
class ContentCodingsTest {
    @Test
    void zstdIsPreferredWhereverItIsOffered() {
        assertEquals(Coding.ZSTD, ContentCodings.chosen("zstd"));
        assertEquals(Coding.ZSTD, ContentCodings.chosen("gzip, deflate, br, zstd"));
        assertEquals(Coding.ZSTD, ContentCodings.chosen("gzip;q=1.0, ZSTD;q=0.5"));
    }

    @Test
    void gzipForClientsThatOfferItOrAnything() {
        assertEquals(Coding.GZIP, ContentCodings.chosen("gzip"));
        assertEquals(Coding.GZIP, ContentCodings.chosen("x-gzip"));
        assertEquals(Coding.GZIP, ContentCodings.chosen("*"));
        assertEquals(Coding.GZIP, ContentCodings.chosen("zstd;q=0, gzip"));
        assertEquals(Coding.GZIP, ContentCodings.chosen("zstd; q=0.000, gzip;q=0.1"));
    }

    @Test
    void noCodingWithoutAnAcceptableOffer() {
        assertEquals(Coding.IDENTITY, ContentCodings.chosen(null));
        assertEquals(Coding.IDENTITY, ContentCodings.chosen(""));
        assertEquals(Coding.IDENTITY, ContentCodings.chosen("br, deflate"));
        assertEquals(Coding.IDENTITY, ContentCodings.chosen("gzip;q=0"));
        assertEquals(Coding.IDENTITY, ContentCodings.chosen("gzip;q=zero"));
    }

    @Test
    void aZstdBodyEndsItsFrameThenClosesTheResponseWhenTheContainerDoes() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream response = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        byte[] body = "[\"1\",\"a row\"]\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        ContentCodings.ZstdBody zstd = ContentCodings.zstd(response, 3);
        zstd.write(body);
        zstd.finish();
        assertEquals(false, closed[0], "the response stays open after the frame ended");
        zstd.close();
        zstd.close();
        assertEquals(true, closed[0], "the container's close reaches the response, twice without harm");
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(response.toByteArray()))) {
            assertArrayEquals(body, in.readAllBytes());
        }
    }
}
