/**
 * The {@code outpost} command line: {@code sync}, {@code status}, {@code sql} and {@code verify} over the public API, and {@code admin token ...}
 * over the server's admin API.
 * It only parses options into a {@link dev.outpost.client.ReplicaConfig}; exit codes come from {@link
 * dev.outpost.client.cli.ExitCodes}. Supplies the SLF4J binding (slf4j-simple) in the shaded jar.
 */
package dev.outpost.client.cli;
