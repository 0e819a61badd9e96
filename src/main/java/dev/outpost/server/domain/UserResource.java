package dev.outpost.server.domain;

import jakarta.enterprise.context.RequestScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Create, read, update and delete users: {@code /api/users}. */
@Path("users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {
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
      OffsetDateTime createdAt) {
    static UserView of(User u) {
      return new UserView(u.id, u.companyId, u.email, u.displayName, u.active, u.birthDate, u.phone, u.createdAt);
    }
  }

  @PersistenceContext(unitName = "outpost")
  private EntityManager em;

  @POST
  @Transactional
  public Response create(UserInput input) {
    User user = new User();
    user.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    apply(input, user);
    em.persist(user);
    em.flush();
    return Response.created(URI.create("users/" + user.id)).entity(UserView.of(user)).build();
  }

  @GET
  @Path("{id}")
  public UserView get(@PathParam("id") long id) {
    return UserView.of(Entities.find(em, User.class, id));
  }

  @PUT
  @Path("{id}")
  @Transactional
  public UserView update(@PathParam("id") long id, UserInput input) {
    User user = Entities.find(em, User.class, id);
    apply(input, user);
    em.flush();
    return UserView.of(user);
  }

  @DELETE
  @Path("{id}")
  @Transactional
  public Response delete(@PathParam("id") long id) {
    em.remove(Entities.find(em, User.class, id));
    em.flush();
    return Response.noContent().build();
  }

  private static void apply(UserInput input, User user) {
    Entities.require(input, "a user");
    user.companyId = Entities.require(input.companyId(), "companyId");
    user.email = Entities.requireText(input.email(), "email", 320);
    user.displayName = input.displayName();
    user.active = input.active() == null || input.active();
    user.birthDate = input.birthDate();
    user.phone = input.phone();
  }
}
