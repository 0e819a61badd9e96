package dev.outpost.server.domain;

import dev.outpost.server.input.JsonInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * Create, read, update and delete users: {@code /api/users}. A body has {@code companyId} and {@code
 * email} (required), {@code displayName}, {@code active} (default {@code true}), {@code birthDate}
 * and {@code phone}.
 */
@Path("users")
@RequestScoped
public class UserResource extends EntityResource<User, UserResource.UserView> {
    /** What the API returns for a user. */
    public record UserView(
            Long id,
            Long companyId,
            String email,
            String displayName,
            boolean active,
            LocalDate birthDate,
            String phone,
            OffsetDateTime createdAt) {}

    public UserResource() {
        super(User.class, Set.of("companyId", "email", "displayName", "active", "birthDate", "phone"));
    }

    @Override
    User newEntity(JsonInput input) {
        User user = new User();
        user.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        apply(input, user);
        return user;
    }

    @Override
    void apply(JsonInput input, User user) {
        user.companyId = input.requiredId("companyId");
        user.email = input.requiredText("email", User.EMAIL_LENGTH);
        user.displayName = input.text("displayName", User.DISPLAY_NAME_LENGTH);
        Boolean active = input.bool("active");
        user.active = active == null || active;
        user.birthDate = input.date("birthDate");
        user.phone = input.text("phone", User.PHONE_LENGTH);
    }

    @Override
    UserView view(User u) {
        return new UserView(u.id, u.companyId, u.email, u.displayName, u.active, u.birthDate, u.phone, u.createdAt);
    }

    @Override
    long id(User user) {
        return user.id;
    }
}
