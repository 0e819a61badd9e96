package dev.outpost.server.problem;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Turns every exception a resource throws into a problem response. */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {
    @Context
    private Request request;

    @Override
    public Response toResponse(Throwable failure) {
        Problem problem;
        if (failure instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            problem = Problems.forStatus(web.getResponse().getStatus(), detailOf(web));
        } else {
            problem = Problems.forException(failure, HttpMethod.DELETE.equals(request.getMethod()));
        }
        return Response.status(problem.status())
                .type(MediaTypes.PROBLEM_JSON)
                .entity(problem)
                .build();
    }

    private static String detailOf(WebApplicationException web) {
        int status = web.getResponse().getStatus();
        return switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 406 -> "cannot produce the requested media type";
            case 413 -> "the request body is too large";
            case 415 -> "unsupported request media type";
            default -> web.getMessage() == null ? "bad request" : web.getMessage();
        };
    }
}
