/** Shared test fixtures. */
package dev.outpost.client.testing;
