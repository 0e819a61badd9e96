package dev.outpost.server.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A customer company; owns users and workspaces. */
@Entity
@Table(name = "companies")
public class Company {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(nullable = false, length = 200)
    String name;

    @Column(name = "credit_limit", precision = 12, scale = 2)
    BigDecimal creditLimit;

    @Column(length = 2, columnDefinition = "char(2)")
    String country;

    @Column(name = "created_at", nullable = false)
    OffsetDateTime createdAt;
}
