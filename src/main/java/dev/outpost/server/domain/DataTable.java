package dev.outpost.server.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDateTime;

/** A table a user defined inside a workspace. */
@Entity
@Table(name = "data_tables")
public class DataTable {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(name = "workspace_id", nullable = false)
    Long workspaceId;

    @Column(nullable = false, length = 200)
    String name;

    @Column(name = "row_estimate")
    Long rowEstimate;

    @Column(name = "updated_at")
    LocalDateTime updatedAt;
}
