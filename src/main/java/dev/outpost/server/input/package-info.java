/**
 * Request bodies of the write API, read strictly: UTF-8 JSON objects with no unknown or duplicate
 * members, each member of exactly its JSON type, and each value checked against the PostgreSQL column
 * it is stored in, so that PostgreSQL never has to round, truncate, pad or refuse it. A value that
 * would be changed or refused is a 400 problem naming the field; nothing is coerced.
 */
package dev.outpost.server.input;
