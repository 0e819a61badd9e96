package dev.outpost.server.domain;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Create, read, update and delete users: {@code /api/users}. */
@Path("users")
@RequestScoped
public class UserResource extends EntityResource<User, UserResource.UserInput, UserResource.UserView> {
    /** What a client sends to create or update a user. */
    public record UserInput(
            Long companyId, String email, String displayName, Boolean active, LocalDate birthDate, String phone) {}

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
        super(User.class);
    }

    @Override
    User newEntity(UserInput input) {
        User user = new User();
        user.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        apply(input, user);
        return user;
    }

    @Override
    void apply(UserInput input, User user) {
        Entities.require(input, "a user");
        user.companyId = Entities.require(input.companyId(), "companyId");
        user.email = Entities.requireText(input.email(), "email", 320);
        user.displayName = input.displayName();
        user.active = input.active() == null || input.active();
        user.birthDate = input.birthDate();
        user.phone = input.phone();
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
