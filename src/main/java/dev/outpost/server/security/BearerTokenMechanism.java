package dev.outpost.server.security;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.access.Caller;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.access.store.StoredToken;
import dev.outpost.server.access.store.TokenLookup;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.metrics.EndpointFamily;
import dev.outpost.server.metrics.ServerMetrics;
import dev.outpost.server.problem.ErrorPageServlet;
import dev.outpost.server.problem.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Accepts {@code Authorization: Bearer <token>}: a bootstrap token of the settings (unrestricted,
 * compared in constant time) or a token of the store, found by its secret's SHA-256 (refused once
 * revoked or expired). The caller and its access scope are left for {@link CurrentAccess}. A missing
 * token on a protected path, a wrong token or a malformed header is answered 401 with a problem body
 * (through the error page); an address with too many failures is answered 429 ({@link
 * FailedAuthentications}).
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {
    private static final Logger LOG = Logger.getLogger(BearerTokenMechanism.class.getName());
    private static final String BEARER = "Bearer ";
    private static final Jsonb JSONB = JsonbBuilder.create();

    @Inject
    private OutpostSettings settings;

    @Inject
    private TokenLookup tokens;

    @Inject
    private FailedAuthentications failures;

    @Inject
    private ServerMetrics metrics;

    @Override
    public AuthenticationStatus validateRequest(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return context.isProtected()
                    ? unauthorized(request, response, context, "a bearer token is required")
                    : context.doNothing();
        }
        String address = request.getRemoteAddr();
        long retryAfter = failures.retryAfterSeconds(address);
        if (retryAfter > 0) {
            return tooManyFailures(request, response, retryAfter);
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            failures.failed(address);
            return unauthorized(request, response, context, "the Authorization header must be 'Bearer <token>'");
        }
        String token = header.substring(BEARER.length()).trim();
        if (matches(settings.adminTokens(), token)) {
            return login(request, context, Caller.bootstrap("admin"), Set.of(Roles.ADMIN));
        }
        if (matches(settings.writeTokens(), token)) {
            return login(request, context, Caller.bootstrap("writer"), Set.of(Roles.SYNC, Roles.WRITE));
        }
        if (matches(settings.syncTokens(), token)) {
            return login(request, context, Caller.bootstrap("replica"), Set.of(Roles.SYNC));
        }
        if (matches(settings.metricsTokens(), token)) {
            return login(request, context, Caller.bootstrap("metrics"), Set.of(Roles.METRICS));
        }
        Optional<StoredToken> stored;
        try {
            stored = tokens.find(token);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, e, () -> "could not look up a bearer token: " + e.getMessage());
            return unavailable(request, response);
        }
        if (stored.isEmpty()) {
            failures.failed(address);
            return unauthorized(request, response, context, "the bearer token is not valid");
        }
        StoredToken t = stored.get();
        if (!t.usable(Instant.now())) {
            failures.failed(address);
            return unauthorized(
                    request,
                    response,
                    context,
                    t.revoked() ? "the bearer token was revoked" : "the bearer token expired");
        }
        tokens.used(t.id());
        Set<String> roles =
                switch (t.role()) {
                    case REPLICA -> Set.of(Roles.SYNC);
                    case WRITER -> Set.of(Roles.SYNC, Roles.WRITE);
                    case ADMIN -> Set.of(Roles.ADMIN);
                    case METRICS -> Set.of(Roles.METRICS);
                };
        return login(request, context, new Caller(Optional.of(t.id()), t.name(), t.scope()), roles);
    }

    private static AuthenticationStatus login(
            HttpServletRequest request, HttpMessageContext context, Caller caller, Set<String> roles) {
        request.setAttribute(CurrentAccess.ATTRIBUTE, caller);
        return context.notifyContainerAboutLogin(
                caller.tokenId().map(id -> "token-" + id).orElse(caller.name()), roles);
    }

    private static AuthenticationStatus unauthorized(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context, String detail) {
        request.setAttribute(ErrorPageServlet.DETAIL_ATTRIBUTE, detail);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"outpost\"");
        return context.responseUnauthorized();
    }

    private AuthenticationStatus tooManyFailures(
            HttpServletRequest request, HttpServletResponse response, long retryAfter) {
        response.setHeader("Retry-After", Long.toString(retryAfter));
        return write(
                request,
                response,
                Problem.of(
                        ProblemType.TOO_MANY_REQUESTS,
                        "too many failed authentications from this address; retry after " + retryAfter + " s"));
    }

    private AuthenticationStatus unavailable(HttpServletRequest request, HttpServletResponse response) {
        return write(
                request, response, Problems.forStatus(503, "the token store cannot be read right now; retry later"));
    }

    /** Answers a refusal itself (no error page, no filter runs): counted here. */
    private AuthenticationStatus write(HttpServletRequest request, HttpServletResponse response, Problem problem) {
        metrics.request(
                EndpointFamily.of(request.getRequestURI()
                        .substring(request.getContextPath().length())),
                problem.status());
        try {
            response.setStatus(problem.status());
            response.setContentType(MediaTypes.PROBLEM_JSON);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(JSONB.toJson(problem));
            response.flushBuffer();
        } catch (IOException e) {
            LOG.log(Level.FINE, e, () -> "could not answer " + problem.status());
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    private static boolean matches(Set<String> tokens, String candidate) {
        byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String token : tokens) {
            found |= MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given);
        }
        return found;
    }
}
