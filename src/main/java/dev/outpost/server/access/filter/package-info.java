/**
 * Row filters: the predicate a grant admits rows with ({@code region = :region and not archived}),
 * parsed, checked against the table's columns and the token's attributes, and compiled to
 * parameterised PostgreSQL.
 *
 * <p>The lexer ({@link dev.outpost.server.access.filter.FilterLexer}) and the recursive-descent parser
 * ({@link dev.outpost.server.access.filter.RowFilter#parse}) are written by hand rather than generated:
 * the grammar has a dozen productions, a generator would add a build step and a runtime dependency to
 * the WAR, and hand-written code gives error messages that name the position and what was expected.
 *
 * <p>Nothing from a filter's text becomes SQL text except column names, which must be columns of the
 * table and are written as quoted identifiers. Every literal and every parameter value is a bind
 * value, cast to the type of the column it is compared with ({@link
 * dev.outpost.server.access.filter.FilterCompiler}).
 */
package dev.outpost.server.access.filter;
