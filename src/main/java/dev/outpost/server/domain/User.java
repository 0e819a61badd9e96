package dev.outpost.server.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/** A person who works for a company. The limits are the columns' ({@code liquibase/}). */
@Entity
@Table(name = "users")
public class User {
    static final int EMAIL_LENGTH = 320;
    static final int DISPLAY_NAME_LENGTH = 200;
    static final int PHONE_LENGTH = 40;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(name = "company_id", nullable = false)
    Long companyId;

    @Column(nullable = false, length = EMAIL_LENGTH)
    String email;

    @Column(name = "display_name", length = DISPLAY_NAME_LENGTH)
    String displayName;

    @Column(nullable = false)
    boolean active;

    @Column(name = "birth_date")
    LocalDate birthDate;

    @Column(length = PHONE_LENGTH)
    String phone;

    @Column(name = "created_at", nullable = false)
    OffsetDateTime createdAt;
}
