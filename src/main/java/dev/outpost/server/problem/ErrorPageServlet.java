package dev.outpost.server.problem;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.server.metrics.EndpointFamily;
import dev.outpost.server.metrics.RequestMetricsFilter;
import dev.outpost.server.metrics.ServerMetrics;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The error page ({@code web.xml}) for errors the container raises itself, such as a 401 from the
 * authentication mechanism or a path outside the JAX-RS application: writes them as problems.
 */
@WebServlet(ErrorPageServlet.PATH)
public class ErrorPageServlet extends HttpServlet {
    public static final String PATH = "/problem";

    /** Request attribute carrying a specific detail for the error, set by whoever raised it. */
    public static final String DETAIL_ATTRIBUTE = "dev.outpost.problem.detail";

    private static final long serialVersionUID = 1L;
    private static final Jsonb JSONB = JsonbBuilder.create();

    @Inject
    private transient ServerMetrics metrics;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : HttpServletResponse.SC_NOT_FOUND;
        Object detail = request.getAttribute(DETAIL_ATTRIBUTE);
        Problem problem = Problems.forStatus(status, detail != null ? detail.toString() : defaultDetail(status));
        response.setStatus(status);
        response.setContentType(MediaTypes.PROBLEM_JSON);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(JSONB.toJson(problem));
        if (request.getAttribute(RequestMetricsFilter.COUNTED) == null) { // refused before the filters ran
            Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            metrics.request(
                    uri == null
                            ? EndpointFamily.OTHER
                            : EndpointFamily.of(uri.toString()
                                    .substring(request.getContextPath().length())),
                    status);
        }
    }

    private static String defaultDetail(int status) {
        return switch (status) {
            case 401 -> "a valid bearer token is required";
            case 403 -> "the token does not allow this request";
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 413 -> "the request body is too large";
            default -> status >= 500 ? "the server failed to answer this request; see its log" : "bad request";
        };
    }
}
