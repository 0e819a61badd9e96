package dev.outpost.server.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * A client that closes its connection while an answer is being written (a killed process, a closed
 * laptop, a dropped link) is an ordinary event for a sync server: it is logged as one line, without a
 * stack trace, instead of the container's error report. Outermost of the writer interceptors, so it
 * also covers gzip's trailer. Only a failed write to the client is an {@link IOException} here: a
 * failure reading the database mid-answer arrives unchecked and is still reported as an error.
 */
@Provider
@Priority(Priorities.HEADER_DECORATOR)
public class ClientGoneInterceptor implements WriterInterceptor {
    private static final Logger LOG = Logger.getLogger(ClientGoneInterceptor.class.getName());

    @Context
    private UriInfo uri;

    @Context
    private Request request;

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) {
        try {
            context.proceed();
        } catch (IOException e) {
            LOG.info(() -> request.getMethod() + " " + uri.getPath() + ": the client closed the connection mid-answer ("
                    + e.getMessage() + ")");
        }
    }
}
