/**
 * Server settings, read once from system properties (the one properties file ops hand to Payara with
 * {@code --systemproperties} or to WildFly with {@code -P}); see {@code server-config/README.md}.
 */
package dev.outpost.server.config;
