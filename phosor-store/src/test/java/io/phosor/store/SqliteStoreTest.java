package io.phosor.store;

import static io.phosor.event.Severity.LOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.detect.Alert;
import io.phosor.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every repository contract on a real SQLite file, plus what only SQLite has (WAL, one writer at a time). */
class SqliteStoreTest {
  final ManualClock clock = new ManualClock(StoreContract.T0);
  @TempDir
  Path dir;

  static TestDatabase sqlite(Path dir) {
    return TestDatabase.sqlite(dir);
  }

  @Nested
  class Migrations extends MigrationContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class AlertsOnSqlite extends AlertsContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class RulesOnSqlite extends RulesContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class IncidentsOnSqlite extends IncidentsContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class SourcesOnSqlite extends SourcesContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class IngestTokensOnSqlite extends IngestTokensContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class UsersOnSqlite extends UsersContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class ActionsOnSqlite extends ActionsContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class SettingsAndBaselinesOnSqlite extends SettingsAndBaselinesContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class BlocklistOnSqlite extends BlocklistContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  @Nested
  class AuditOnSqlite extends AuditContract {
    @Override
    TestDatabase newDatabase(Path dir) {
      return sqlite(dir);
    }
  }

  // ---- SQLite only

  @Test
  void theDefaultDatabaseIsPhosorDbInTheDataDirectoryWhichIsCreatedIfMissing() {
    Path data = dir.resolve("data/nested");
    try (Store store = Store.open(StoreSettings.sqlite(data), clock)) {
      assertThat(store.dialect()).isEqualTo(Dialect.SQLITE);
      assertThat(store.describe()).isEqualTo("SQLite " + data.resolve("phosor.db").toAbsolutePath());
    }
    assertThat(data.resolve("phosor.db")).isRegularFile();
  }

  @Test
  void theDatabaseRunsInWalModeWithForeignKeysEnforced() throws SQLException {
    try (Store store = Store.open(StoreSettings.sqlite(dir), clock); Connection c = sqlite(dir).connect();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("wal");
      }
      s.execute("PRAGMA foreign_keys = ON");
      assertThatThrownBy(() -> s.execute("INSERT INTO incident_alerts (incident_id, alert_id, linked_at) VALUES (1, 1, 0)"))
          .hasMessageContaining("FOREIGN KEY");
      assertThat(store.healthy()).isTrue();
    }
  }

  @Test
  void aPoolOfOneConnectionIsEnoughToMigrateAndWork() {
    try (Store store = Store.open(StoreSettings.sqlite(dir).withPoolSize(1), clock)) {
      store.rules().create("r", "name: x", "yaml", true, "a");
      assertThat(store.rules().list()).hasSize(1);
    }
  }

  @Test
  void aJdbcUrlNamingAFileIsUsedAsIs() {
    Path file = dir.resolve("elsewhere/my.db");
    try (Store store = Store.open(StoreSettings.of("jdbc:sqlite:" + file, null), clock)) {
      store.settings().put("a", "b");
      assertThat(store.describe()).isEqualTo("SQLite " + file);
    }
    assertThat(file).isRegularFile();
  }

  @Test
  void aFileThatIsNotADatabaseStopsStartUpWithOneClearLine() throws Exception {
    Files.writeString(dir.resolve("phosor.db"), "this is not a database, just text long enough to have a header page");
    StoreSettings settings = StoreSettings.sqlite(dir);
    assertThatThrownBy(() -> Store.open(settings, clock))
        .isExactlyInstanceOf(StoreException.class)
        .hasMessageStartingWith("database SQLite " + dir.resolve("phosor.db") + " cannot be opened: ")
        .hasMessageContaining("not a database")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aDataDirectoryThatCannotBeCreatedStopsStartUpWithOneClearLine() throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    assertThatThrownBy(() -> Store.open(StoreSettings.sqlite(blocker.resolve("data")), clock))
        .isExactlyInstanceOf(StoreException.class)
        .hasMessageStartingWith("database SQLite " + blocker.resolve("data/phosor.db") + " cannot be opened: cannot create "
            + "its directory " + blocker.resolve("data"));
  }

  @Test
  void concurrentWritersFromSeveralThreadsAllSucceedWithoutSqliteBusy() throws Exception {
    int threads = 8;
    int batches = 25;
    try (Store store = Store.open(StoreSettings.sqlite(dir).withPoolSize(3), clock);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 2)) {
      List<Callable<Integer>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        work.add(() -> {
          int inserted = 0;
          for (int b = 0; b < batches; b++) {
            long base = (thread * 1000L + b) * 10;
            List<Alert> batch = List.of(StoreContract.alert("r" + thread, LOW, b, base), StoreContract.alert("r" + thread,
                LOW, b, base + 1), StoreContract.alert("r" + thread, LOW, b, base + 2));
            inserted += store.alerts().insertAll(batch).size();
            store.rules().create("rule-" + thread + "-" + b, "name: x", "yaml", true, "t" + thread);
            store.rules().toggle("rule-" + thread + "-" + b, "t" + thread);
            store.audit().append("t" + thread, "test", null, null, null);
          }
          return inserted;
        });
      }
      for (int r = 0; r < 2; r++) {
        work.add(() -> {
          for (int i = 0; i < batches * 4; i++) {
            store.alerts().list(AlertQuery.newest(50));
            store.rules().list();
          }
          return 0;
        });
      }
      int total = 0;
      for (Future<Integer> f : pool.invokeAll(work)) {
        total += f.get();
      }
      assertThat(total).isEqualTo(threads * batches * 3);
      assertThat(store.alerts().count()).isEqualTo(threads * batches * 3);
      assertThat(store.rules().list()).hasSize(threads * batches);
      assertThat(store.audit().list(1000, null)).hasSize(threads * batches);
    }
  }
}
