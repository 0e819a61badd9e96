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
 * <p>Decision: the replica enforces primary keys only: <b>no foreign-key constraints</b>, and the
 * server's <b>unique constraints become plain indexes</b> (lookups stay indexed). Tables are loaded one
 * after another, page by page in primary-key order, so a self-reference or a reference to a table
 * loaded later would violate a constraint mid-load; and pages are read at different moments, so a
 * value that moved from one row to another between two pages (a renamed row, a new row taking the old
 * name) is briefly in both until the change feed brings the later state. The server's database
 * already enforced both, and the replica is read-only.
 */
package dev.outpost.client.internal.schema;
