package dev.outpost.server.security;

import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.problem.ErrorPageServlet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Accepts {@code Authorization: Bearer <token>} for the tokens in the settings. A missing token on a
 * protected path, a wrong token or a malformed header is answered 401 with a problem body (through
 * the error page); tokens are compared in constant time.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {
    private static final String BEARER = "Bearer ";

    @Inject
    private OutpostSettings settings;

    @Override
    public AuthenticationStatus validateRequest(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return context.isProtected()
                    ? unauthorized(request, response, context, "a bearer token is required")
                    : context.doNothing();
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return unauthorized(request, response, context, "the Authorization header must be 'Bearer <token>'");
        }
        String token = header.substring(BEARER.length()).trim();
        if (matches(settings.writeTokens(), token)) {
            return context.notifyContainerAboutLogin("writer", Set.of(Roles.SYNC, Roles.WRITE));
        }
        if (matches(settings.syncTokens(), token)) {
            return context.notifyContainerAboutLogin("replica", Set.of(Roles.SYNC));
        }
        return unauthorized(request, response, context, "the bearer token is not valid");
    }

    private static AuthenticationStatus unauthorized(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context, String detail) {
        request.setAttribute(ErrorPageServlet.DETAIL_ATTRIBUTE, detail);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"outpost\"");
        return context.responseUnauthorized();
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
