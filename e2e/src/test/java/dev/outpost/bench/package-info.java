/**
 * The benchmark ({@code mvn -f parent/pom.xml -Pbench package -Dbench.rows=1000000}): a full sync over
 * HTTP against the baselines a Java team would otherwise use, measured side by side in one run on the
 * same generated data, printed one figure per line with its ratio; {@code -Dbench=version} measures the
 * version check directly and through nginx running {@code server-config/nginx/outpost.conf}, {@code
 * -Dbench=feed} the change feed, {@code -Dbench=link} syncs over shaped links ({@link
 * dev.outpost.bench.LinkBench}), {@code -Dbench=http} the client's HTTP stack against the JAX-RS client
 * ({@link dev.outpost.bench.HttpClientBench}). Not part of the test command.
 */
package dev.outpost.bench;
