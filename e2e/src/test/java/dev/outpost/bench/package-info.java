/**
 * The benchmark ({@code mvn -f parent/pom.xml -Pbench package -Dbench.rows=1000000}): a full sync over
 * HTTP against the baselines a Java team would otherwise use, measured side by side in one run on the
 * same generated data, printed one figure per line with its ratio. Not part of the test command.
 */
package dev.outpost.bench;
