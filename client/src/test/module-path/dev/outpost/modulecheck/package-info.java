/** A program syncing and reading a replica through the client's module, and probing its encapsulation. */
package dev.outpost.modulecheck;
