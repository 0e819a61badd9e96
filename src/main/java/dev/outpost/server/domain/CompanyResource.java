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
import java.math.BigDecimal;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Create, read, update and delete companies: {@code /api/companies}. */
@Path("companies")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CompanyResource {
  /** What a client sends to create or update a company. */
  public record CompanyInput(String name, BigDecimal creditLimit, String country) {}

  /** What the API returns for a company. */
  public record CompanyView(Long id, String name, BigDecimal creditLimit, String country, OffsetDateTime createdAt) {
    static CompanyView of(Company c) {
      return new CompanyView(c.id, c.name, c.creditLimit, c.country, c.createdAt);
    }
  }

  @PersistenceContext(unitName = "outpost")
  private EntityManager em;

  @POST
  @Transactional
  public Response create(CompanyInput input) {
    Company company = new Company();
    company.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
    apply(input, company);
    em.persist(company);
    em.flush();
    return Response.created(URI.create("companies/" + company.id)).entity(CompanyView.of(company)).build();
  }

  @GET
  @Path("{id}")
  public CompanyView get(@PathParam("id") long id) {
    return CompanyView.of(Entities.find(em, Company.class, id));
  }

  @PUT
  @Path("{id}")
  @Transactional
  public CompanyView update(@PathParam("id") long id, CompanyInput input) {
    Company company = Entities.find(em, Company.class, id);
    apply(input, company);
    em.flush();
    return CompanyView.of(company);
  }

  @DELETE
  @Path("{id}")
  @Transactional
  public Response delete(@PathParam("id") long id) {
    em.remove(Entities.find(em, Company.class, id));
    em.flush();
    return Response.noContent().build();
  }

  private static void apply(CompanyInput input, Company company) {
    Entities.require(input, "a company");
    company.name = Entities.requireText(input.name(), "name", 200);
    company.creditLimit = input.creditLimit();
    company.country = input.country() == null ? null : Entities.requireText(input.country(), "country", 2);
  }
}
