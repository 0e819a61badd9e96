/**
 * End-to-end tests and the demo run: a real PostgreSQL, the real WAR on Payara Micro started as a
 * process (so a test can stop it mid-download), and the real client keeping a Derby replica.
 */
package dev.outpost.e2e;
