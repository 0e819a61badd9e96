package dev.outpost.server.problem;

import java.util.Map;

/**
 * The write API's words for the constraints of {@code liquibase/}: which request field a unique key
 * or foreign key concerns, so that a violation can name it. A constraint not listed here is named by
 * its own (schema-given) name.
 */
final class Constraints {
    /** A request field and the entity it refers to or belongs to. */
    private record Field(String name, String entity) {}

    private static final Map<String, Field> UNIQUE = Map.of(
            "uq_companies_name", new Field("name", "company"),
            "uq_users_email", new Field("email", "user"));

    private static final Map<String, Field> FOREIGN_KEYS =
            Map.of("fk_users_company", new Field("companyId", "company"));

    private static final Map<String, String> REFERENCED_BY = Map.of(
            "fk_users_company", "it still has users",
            "fk_workspaces_company", "it still has workspaces",
            "fk_user_preferences_user", "it still has preferences",
            "fk_audit_notes_user", "it still has audit notes");

    private Constraints() {}

    static String unique(String constraint) {
        Field field = UNIQUE.get(constraint);
        return field == null
                ? "the change would duplicate a value that must be unique (" + name(constraint) + ")"
                : field.name() + ": another " + field.entity() + " already has this value";
    }

    static String foreignKey(String constraint, boolean deleting) {
        if (deleting) {
            String why = REFERENCED_BY.getOrDefault(constraint, "other rows refer to it (" + name(constraint) + ")");
            return "cannot be deleted: " + why;
        }
        Field field = FOREIGN_KEYS.get(constraint);
        return field == null
                ? "the change refers to a row that does not exist (" + name(constraint) + ")"
                : field.name() + ": there is no " + field.entity() + " with this id";
    }

    static String name(String constraint) {
        return constraint == null ? "unnamed constraint" : "constraint " + constraint;
    }
}
