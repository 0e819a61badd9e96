package dev.outpost.server.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One column of a {@link DataTable}. */
@Entity
@Table(name = "data_table_columns")
public class DataTableColumn {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(name = "data_table_id", nullable = false)
    Long dataTableId;

    @Column(nullable = false, length = 200)
    String name;

    @Column(name = "data_type", nullable = false, length = 50)
    String dataType;

    @Column(nullable = false)
    int position;

    @Column(nullable = false)
    boolean nullable;

    @Column(name = "max_length")
    Integer maxLength;
}
