package dev.outpost.server.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A company's workspace holding data tables. */
@Entity
@Table(name = "workspaces")
public class Workspace {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(name = "company_id", nullable = false)
    Long companyId;

    @Column(name = "external_id", nullable = false)
    UUID externalId;

    @Column(nullable = false, length = 200)
    String name;

    @Column(columnDefinition = "text")
    String description;
}
