package io.phosor.store;

import static io.phosor.event.Severity.LOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.phosor.testkit.ManualClock;
import io.phosor.testkit.TcpProxy;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every repository contract on PostgreSQL, each test in its own new schema, plus what only PostgreSQL
 * has (schemas, privileges, a server that goes away). Runs only when {@code PHOSOR_TEST_DATABASE_URL} is set.
 */
class PostgresStoreTest {
  final ManualClock clock = new ManualClock(StoreContract.T0);

  @BeforeAll
  static void sayWhenSkipped() {
    if (TestDatabase.postgresUrl() == null) {
      System.out.println("[phosor-store] PostgreSQL store tests SKIPPED: set " + TestDatabase.POSTGRES_ENV
          + "=postgresql://postgres@127.0.0.1:5432/test to run them");
    }
  }

  /** Runs before the nested contracts' own set-up too, so every test counts as skipped without a database. */
  @BeforeEach
  void needsADatabase() {
    assumeTrue(TestDatabase.postgresUrl() != null, TestDatabase.POSTGRES_ENV + " is not set");
  }

  @Nested
  class Migrations extends MigrationContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class AlertsOnPostgres extends AlertsContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class RulesOnPostgres extends RulesContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class IncidentsOnPostgres extends IncidentsContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class SourcesOnPostgres extends SourcesContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class IngestTokensOnPostgres extends IngestTokensContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class UsersOnPostgres extends UsersContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class ActionsOnPostgres extends ActionsContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class SettingsAndBaselinesOnPostgres extends SettingsAndBaselinesContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class BlocklistOnPostgres extends BlocklistContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class AuditOnPostgres extends AuditContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return TestDatabase.postgres();
    }
  }

  // ---- PostgreSQL only

  @Test
  void aSchemaThatDoesNotExistIsCreatedAndUsed() throws SQLException {
    String schema = TestDatabase.randomSchema();
    try (TestDatabase db = TestDatabase.postgres(schema, false); Store store = Store.open(db.settings(), clock)) {
      assertThat(store.dialect()).isEqualTo(Dialect.POSTGRESQL);
      assertThat(store.describe()).endsWith(" (schema " + schema + ")");
      store.settings().put("k", "v");
      try (Connection c = db.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT value FROM " + schema + ".settings")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("v");
      }
    }
  }

  @Test
  void aPoolOfOneConnectionIsEnoughToMigrateAndWork() {
    try (TestDatabase db = TestDatabase.postgres(); Store store = Store.open(db.settings().withPoolSize(1), clock)) {
      store.rules().create("r", "name: x", "yaml", true, "a");
      assertThat(store.rules().list()).hasSize(1);
    }
  }

  @Test
  void aSchemaThatDoesNotExistAndMayNotBeCreatedIsRefusedWithOneClearLine() throws SQLException {
    String role = TestDatabase.randomSchema().replace("phosor_test_", "phosor_ro_");
    String schema = TestDatabase.randomSchema();
    try (TestDatabase admin = TestDatabase.postgres()) {
      admin.execute("CREATE ROLE " + role + " LOGIN");
      try {
        URI server = TestDatabase.postgresServer();
        String url = "postgresql://" + role + "@" + server.getHost() + ":" + server.getPort() + server.getPath();
        StoreSettings settings = StoreSettings.of(url, null).withSchema(schema);
        assertThatThrownBy(() -> Store.open(settings, clock))
            .isExactlyInstanceOf(StoreException.class)
            .hasMessageEndingWith("refused the schema migration: schema " + schema + " does not exist and user " + role
                + " may not create it (GRANT CREATE ON DATABASE " + server.getPath().substring(1) + " TO " + role
                + ", or create the schema for it)");
      } finally {
        admin.execute("DROP ROLE " + role);
      }
    }
  }

  @Test
  void aUserWithoutPrivilegeToCreateTablesIsRefusedWithOneClearLine() throws SQLException {
    String role = TestDatabase.randomSchema().replace("phosor_test_", "phosor_ro_");
    try (TestDatabase db = TestDatabase.postgres()) {
      db.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'Secr3t!pw'", "GRANT USAGE ON SCHEMA "
          + db.settings().schema() + " TO " + role);
      try {
        URI server = TestDatabase.postgresServer();
        String url = "postgresql://" + role + ":Secr3t%21pw@" + server.getHost() + ":" + server.getPort()
            + server.getPath();
        StoreSettings settings = StoreSettings.of(url, null).withSchema(db.settings().schema());
        assertThatThrownBy(() -> Store.open(settings, clock))
            .isExactlyInstanceOf(StoreException.class)
            .hasMessageStartingWith("database PostgreSQL " + role + "@" + server.getHost() + ":" + server.getPort()
                + server.getPath() + " (schema " + db.settings().schema() + ") refused the schema migration: ")
            .hasMessageEndingWith("user " + role + " may not create tables in schema " + db.settings().schema()
                + " (GRANT CREATE ON SCHEMA " + db.settings().schema() + " TO " + role + ")")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Secr3t").doesNotContain("\n"));
      } finally {
        db.execute("DROP OWNED BY " + role, "DROP ROLE " + role);
      }
    }
  }

  @Test
  void whenTheServerGoesAwayCallsFailAsUnavailableAndWorkAgainWhenItIsBack() throws Exception {
    URI server = TestDatabase.postgresServer();
    try (TestDatabase db = TestDatabase.postgres(); TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort()).start()) {
      DatabaseUrl direct = DatabaseUrl.parse(TestDatabase.postgresUrl(), null);
      String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + server.getPath()
          + (direct.user() == null ? "" : "?user=" + direct.user());
      StoreSettings settings = new StoreSettings(url, null, db.settings().schema(), 2, Duration.ofSeconds(1));
      try (Store store = Store.open(settings, clock)) {
        long id = store.alerts().insertAll(List.of(StoreContract.alert("r", LOW, 1, 1L))).get(0).id();
        assertThat(store.healthy()).isTrue();

        proxy.stop();

        long started = System.nanoTime();
        assertThat(store.healthy()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> store.alerts().get(id))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageStartingWith("database " + settings.describe() + " is unavailable (read alert " + id + "): ");
        assertThatThrownBy(() -> store.alerts().acknowledge(id, "alice")).isInstanceOf(StoreUnavailableException.class);

        proxy.start();

        await().atMost(Duration.ofSeconds(20)).until(store::healthy);
        assertThat(store.alerts().acknowledge(id, "alice").acknowledgedBy()).isEqualTo("alice");
      }
    }
  }
}
