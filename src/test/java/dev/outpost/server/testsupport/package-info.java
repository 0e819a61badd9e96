/** Test support shared by the server's integration tests and the other modules' (via the test-jar). */
package dev.outpost.server.testsupport;
