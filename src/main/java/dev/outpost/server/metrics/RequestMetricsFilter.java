package dev.outpost.server.metrics;

import jakarta.inject.Inject;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Counts every request that reaches the application under {@code /api/*} with the status it was
 * answered with (after an asynchronous request completes, for those). Requests the container refuses
 * before any filter runs (no or a wrong token, a missing role) are counted by the error page instead:
 * this filter marks the requests it counts with {@link #COUNTED}, so none is counted twice.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class RequestMetricsFilter extends HttpFilter {
    /** Request attribute set on every request this filter counts. */
    public static final String COUNTED = "dev.outpost.metrics.counted";

    private static final long serialVersionUID = 1L;

    @Inject
    private ServerMetrics metrics;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(COUNTED) != null) {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(COUNTED, Boolean.TRUE);
        String family = EndpointFamily.of(
                request.getRequestURI().substring(request.getContextPath().length()));
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new Completion(metrics, family));
            } else {
                metrics.request(family, failed && response.getStatus() < 400 ? 500 : response.getStatus());
            }
        }
    }

    private record Completion(ServerMetrics metrics, String family) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            metrics.request(family, ((HttpServletResponse) event.getSuppliedResponse()).getStatus());
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }
}
