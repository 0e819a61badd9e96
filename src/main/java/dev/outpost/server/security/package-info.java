/**
 * Bearer-token authentication with Jakarta Security, portable across Payara and WildFly: the bootstrap
 * tokens of the settings and the tokens of the store ({@link dev.outpost.server.access.store}), and
 * the throttling of failed attempts. {@code web.xml} decides which paths need which role ({@value
 * dev.outpost.server.security.Roles#SYNC} for the sync endpoints, {@value
 * dev.outpost.server.security.Roles#WRITE} for the write endpoints, {@value
 * dev.outpost.server.security.Roles#ADMIN} for the admin API).
 */
package dev.outpost.server.security;
