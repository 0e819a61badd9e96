/**
 * The {@code outpost} command line: {@code sync}, {@code status}, {@code sql} and {@code verify} over the
 * client library's public API ({@code dev.outpost.client}), and {@code admin token ...} over the server's
 * admin API. It only parses options into a {@link dev.outpost.client.ReplicaConfig}; exit codes come from
 * {@link dev.outpost.cli.ExitCodes}. Its shaded jar supplies the SLF4J binding (slf4j-simple), the
 * progress display and Derby's network server and client ({@code sync --live --serve}, {@link
 * dev.outpost.cli.ServedReplica}), which the library does not carry.
 */
package dev.outpost.cli;
