package dev.outpost.server.domain;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Path;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Create, read, update and delete companies: {@code /api/companies}. */
@Path("companies")
@RequestScoped
public class CompanyResource
        extends EntityResource<Company, CompanyResource.CompanyInput, CompanyResource.CompanyView> {
    /** What a client sends to create or update a company. */
    public record CompanyInput(String name, BigDecimal creditLimit, String country) {}

    /** What the API returns for a company. */
    public record CompanyView(Long id, String name, BigDecimal creditLimit, String country, OffsetDateTime createdAt) {}

    public CompanyResource() {
        super(Company.class);
    }

    @Override
    Company newEntity(CompanyInput input) {
        Company company = new Company();
        company.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        apply(input, company);
        return company;
    }

    @Override
    void apply(CompanyInput input, Company company) {
        Entities.require(input, "a company");
        company.name = Entities.requireText(input.name(), "name", 200);
        company.creditLimit = input.creditLimit();
        company.country = input.country() == null ? null : Entities.requireText(input.country(), "country", 2);
    }

    @Override
    CompanyView view(Company c) {
        return new CompanyView(c.id, c.name, c.creditLimit, c.country, c.createdAt);
    }

    @Override
    long id(Company company) {
        return company.id;
    }
}
