package dev.outpost.server.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A customer company; owns users and workspaces. The limits are the columns' ({@code liquibase/}). */
@Entity
@Table(name = "companies")
public class Company {
    static final int NAME_LENGTH = 200;
    static final int CREDIT_LIMIT_PRECISION = 12;
    static final int CREDIT_LIMIT_SCALE = 2;
    static final int COUNTRY_LENGTH = 2;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(nullable = false, length = NAME_LENGTH)
    String name;

    @Column(name = "credit_limit", precision = CREDIT_LIMIT_PRECISION, scale = CREDIT_LIMIT_SCALE)
    BigDecimal creditLimit;

    @Column(length = COUNTRY_LENGTH, columnDefinition = "char(2)")
    String country;

    @Column(name = "created_at", nullable = false)
    OffsetDateTime createdAt;
}
