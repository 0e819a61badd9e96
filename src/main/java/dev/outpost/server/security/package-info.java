/**
 * Bearer-token authentication with Jakarta Security, portable across Payara and WildFly. Tokens come
 * from configuration; {@code web.xml} decides which paths need which role ({@value
 * dev.outpost.server.security.Roles#SYNC} for the sync endpoints, {@value
 * dev.outpost.server.security.Roles#WRITE} for the write endpoints).
 */
package dev.outpost.server.security;
