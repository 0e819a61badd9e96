/**
 * Every error leaves the server as an RFC 9457 problem ({@code application/problem+json}) with a
 * {@link dev.outpost.protocol.ProblemType}: exceptions from resources through one {@code
 * ExceptionMapper}, errors the container raises itself (401 from authentication, unknown paths)
 * through the error page. Database errors are judged by SQLState, in the server's own words. Never a
 * stack trace; bad input is never a 500 and is not logged as an error.
 */
package dev.outpost.server.problem;
