package dev.outpost.server.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/** A person who works for a company. */
@Entity
@Table(name = "users")
public class User {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(name = "company_id", nullable = false)
    Long companyId;

    @Column(nullable = false, length = 320)
    String email;

    @Column(name = "display_name", length = 200)
    String displayName;

    @Column(nullable = false)
    boolean active;

    @Column(name = "birth_date")
    LocalDate birthDate;

    @Column(length = 40)
    String phone;

    @Column(name = "created_at", nullable = false)
    OffsetDateTime createdAt;
}
