/**
 * Implementation of the Outpost client. No compatibility promises: anything here may change in any
 * release; use {@code dev.outpost.client} instead.
 */
package dev.outpost.client.internal;
