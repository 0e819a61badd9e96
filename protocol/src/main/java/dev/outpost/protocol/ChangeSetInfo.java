package dev.outpost.protocol;

/**
 * The most recently executed Liquibase changeset, as recorded in {@code DATABASECHANGELOG}.
 *
 * @param id changeset id
 * @param author changeset author
 * @param file changelog file the changeset came from
 * @param orderExecuted Liquibase's execution order counter
 * @param dateExecuted when it ran, ISO-8601 as stored (no zone: Liquibase writes local time)
 */
public record ChangeSetInfo(String id, String author, String file, long orderExecuted, String dateExecuted) {}
