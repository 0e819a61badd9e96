package dev.outpost.server.http;

import dev.outpost.server.problem.BodyTooLargeException;
import dev.outpost.server.problem.ErrorPageServlet;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Caps every API request body at {@link #MAX_BODY_BYTES}, on any server: a declared {@code
 * Content-Length} above it is answered 413 before anything is read; a body without one (chunked) is
 * counted as it is read and fails with {@link BodyTooLargeException} at the first byte over, which the
 * problem mapping turns into the same 413.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class BodySizeLimitFilter extends HttpFilter {
    /** 1 MiB: far above any entity the write API accepts, far below what could hurt the heap. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            request.setAttribute(ErrorPageServlet.DETAIL_ATTRIBUTE, BodyTooLargeException.detail(MAX_BODY_BYTES));
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        chain.doFilter(new Limited(request), response);
    }

    /** The request with its body read through a {@link CountingInputStream}. */
    private static final class Limited extends HttpServletRequestWrapper {
        private CountingInputStream body;

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public CountingInputStream getInputStream() throws IOException {
            if (body == null) {
                body = new CountingInputStream(super.getInputStream(), MAX_BODY_BYTES);
            }
            return body;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
