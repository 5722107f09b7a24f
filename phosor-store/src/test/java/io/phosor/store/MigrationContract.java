package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schema migrations: applied once, re-opening is a no-op, and a database that does not fit is refused clearly. */
abstract class MigrationContract extends StoreContract {
  /** The newest migration under db/migration/{sqlite,postgresql}; bump it with each new V<n>__*.sql. */
  static final String LATEST_VERSION = "3";

  int appliedMigrations() throws SQLException {
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM flyway_schema_history WHERE success = ?")) {
      ps.setBoolean(1, true);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void migrationsBringAFreshDatabaseToTheLatestVersion() throws SQLException {
    assertThat(store.schemaVersion()).isEqualTo(LATEST_VERSION);
    assertThat(appliedMigrations()).isPositive();
    assertThat(store.healthy()).isTrue();
    assertThat(store.describe()).isEqualTo(database.settings().describe());
  }

  @Test
  void reopeningMigratesNothingAndKeepsTheData() throws SQLException {
    store.settings().put("k", "v");
    int applied = appliedMigrations();
    reopen();
    assertThat(appliedMigrations()).isEqualTo(applied);
    assertThat(store.schemaVersion()).isEqualTo(LATEST_VERSION);
    assertThat(store.settings().get("k")).contains("v");
  }

  void assertRefused(String... contains) {
    StoreSettings settings = database.settings();
    assertThatThrownBy(() -> Store.open(settings, clock))
        .isExactlyInstanceOf(StoreException.class)
        .hasMessageStartingWith("database " + settings.describe() + " refused the schema migration: ")
        .hasMessageContainingAll(contains)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aMigrationWhoseChecksumWasChangedIsRefusedWithOneClearLine() throws SQLException {
    store.close();
    database.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
    assertRefused("checksum mismatch", "version 1");
  }

  @Test
  void aFailedMigrationInTheHistoryIsRefused() throws SQLException {
    store.close();
    try (Connection c = database.connect();
        PreparedStatement ps = c.prepareStatement("UPDATE flyway_schema_history SET success = ? WHERE version = '1'")) {
      ps.setBoolean(1, false);
      ps.executeUpdate();
    }
    assertRefused("failed migration to version 1");
  }

  @Test
  void aSchemaFromANewerPhosorIsRefusedRatherThanUsed() throws SQLException {
    store.close();
    try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO flyway_schema_history "
        + "(installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) "
        + "VALUES (999, '999', 'from the future', 'SQL', 'V999__from_the_future.sql', 0, 'test', 0, ?)")) {
      ps.setBoolean(1, true);
      ps.executeUpdate();
    }
    assertRefused("999", "not resolved locally");
  }

  @Test
  void aDatabaseThatAlreadyHasOtherTablesIsRefused() throws SQLException {
    try (TestDatabase other = newDatabase(dir.resolve("other"))) {
      other.execute("CREATE TABLE alerts (x integer)");
      StoreSettings settings = other.settings();
      assertThatThrownBy(() -> Store.open(settings, clock))
          .isExactlyInstanceOf(StoreException.class)
          .hasMessageStartingWith("database " + settings.describe() + " refused the schema migration: ")
          .hasMessageContaining("non-empty schema");
    }
  }

  @Test
  void aClosedStoreIsUnhealthyAndRefusesWork() {
    store.close();
    assertThat(store.healthy()).isFalse();
    assertThatThrownBy(() -> store.alerts().insertAll(List.of(alert("r", Severity.LOW, 1, 1L))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(store.describe());
  }
}
