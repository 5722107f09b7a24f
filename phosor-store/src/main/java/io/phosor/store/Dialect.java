package io.phosor.store;

/** The two databases the store runs on. */
public enum Dialect {
  /** SQLite: one file in the data directory, the default. */
  SQLITE("SQLite", "sqlite"),
  /** PostgreSQL: for production and for several Phosor nodes sharing state. */
  POSTGRESQL("PostgreSQL", "postgresql");

  private final String displayName;
  private final String migrationFolder;

  Dialect(String displayName, String migrationFolder) {
    this.displayName = displayName;
    this.migrationFolder = migrationFolder;
  }

  /** The database's name as people write it ("SQLite", "PostgreSQL"). */
  public String displayName() {
    return displayName;
  }

  /** Classpath folder of this dialect's migrations. */
  String migrations() {
    return "classpath:db/migration/" + migrationFolder;
  }
}
