/** Test support for running the server's integration tests on a WildFly started by Arquillian. */
package dev.outpost.wildfly;
