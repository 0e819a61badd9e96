/**
 * How the server's tables become Derby tables. No compatibility promises.
 *
 * <p>{@link dev.outpost.client.internal.schema.DerbyTypes} is the one place that maps PostgreSQL types
 * to Derby ({@link dev.outpost.client.internal.schema.ColumnKind}) and rejects what the replica cannot
 * hold (the preflight, run before anything local is touched). {@link
 * dev.outpost.client.internal.schema.Identifiers} is the one quoting rule, used for the generated
 * mapping and for every hand-written statement. {@link
 * dev.outpost.client.internal.schema.HibernateSchemaBuilder} lets Hibernate generate the tables' DDL
 * from a generated {@code mapping.xml} of dynamic entities ({@link
 * dev.outpost.client.internal.schema.MappingXml}) and runs it in one transaction.
 *
 * <p>Decision: the replica has primary keys and unique constraints but <b>no foreign-key
 * constraints</b>. Tables are loaded one after another, page by page in primary-key order, so a
 * self-reference or a reference to a table loaded later would violate a constraint mid-load; the
 * server's database already enforced them, and the replica is read-only.
 */
package dev.outpost.client.internal.schema;
