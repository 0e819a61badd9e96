package dev.outpost.server.domain;

import dev.outpost.server.input.JsonInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Path;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * Create, read, update and delete companies: {@code /api/companies}. A body has {@code name}
 * (required), {@code creditLimit} and {@code country} (exactly two characters: the column is {@code
 * char(2)}, which would pad a shorter one).
 */
@Path("companies")
@RequestScoped
public class CompanyResource extends EntityResource<Company, CompanyResource.CompanyView> {
    /** What the API returns for a company. */
    public record CompanyView(Long id, String name, BigDecimal creditLimit, String country, OffsetDateTime createdAt) {}

    public CompanyResource() {
        super(Company.class, Set.of("name", "creditLimit", "country"));
    }

    @Override
    Company newEntity(JsonInput input) {
        Company company = new Company();
        company.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        apply(input, company);
        return company;
    }

    @Override
    void apply(JsonInput input, Company company) {
        company.name = input.requiredText("name", Company.NAME_LENGTH);
        company.creditLimit = input.decimal("creditLimit", Company.CREDIT_LIMIT_PRECISION, Company.CREDIT_LIMIT_SCALE);
        company.country = input.fixedText("country", Company.COUNTRY_LENGTH);
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
