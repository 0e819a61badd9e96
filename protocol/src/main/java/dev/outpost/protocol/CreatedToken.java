package dev.outpost.protocol;

/**
 * The answer to a token creation: the only time the secret is shown; the server keeps its SHA-256 hash
 * only.
 *
 * @param secret the bearer token to hand to the client ({@code op_} and 43 URL-safe characters)
 * @param token the stored token
 */
public record CreatedToken(String secret, TokenInfo token) {}
