package dev.outpost.server.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * Makes a connection the client has closed quiet for the rest of the answer: after the first failed
 * write, the container's own flush and close of the answer do nothing, where they would report the
 * same closed connection again as an error. {@link ClientGoneInterceptor} logs the event once.
 */
@WebFilter(urlPatterns = "/api/sync/*", asyncSupported = true)
public class ClientGoneFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, new Guarded(response));
    }

    /** The response with its body written through a {@link GuardedOutput}. */
    private static final class Guarded extends HttpServletResponseWrapper {
        private GuardedOutput output;

        Guarded(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = new GuardedOutput(super.getOutputStream());
            }
            return output;
        }
    }

    /** Passes writes through until one fails; from then on writes fail at once, flush and close do nothing. */
    private static final class GuardedOutput extends ServletOutputStream {
        private final ServletOutputStream out;
        private IOException gone;

        GuardedOutput(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            check();
            try {
                out.write(b);
            } catch (IOException e) {
                throw gone(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw gone(e);
            }
        }

        @Override
        public void flush() throws IOException {
            if (gone == null) {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw gone(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (gone == null) {
                out.close();
            }
        }

        @Override
        public boolean isReady() {
            return gone == null && out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }

        private void check() throws IOException {
            if (gone != null) {
                throw new IOException("the client closed the connection", gone);
            }
        }

        private IOException gone(IOException e) {
            gone = e;
            return e;
        }
    }
}
