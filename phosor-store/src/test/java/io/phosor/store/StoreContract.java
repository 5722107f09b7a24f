package io.phosor.store;

import io.phosor.detect.Alert;
import io.phosor.event.Severity;
import io.phosor.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the repository contracts: each test gets a store on a fresh database from {@link #newDatabase}.
 * {@link SqliteStoreTest} and {@link PostgresStoreTest} run every contract against their database.
 */
abstract class StoreContract {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final ManualClock clock = new ManualClock(T0);
  @TempDir
  Path dir;
  TestDatabase database;
  Store store;

  /** A fresh, empty database whose files (if any) go under {@code dir}. */
  abstract TestDatabase newDatabase(Path dir);

  @BeforeEach
  void openStore() {
    database = newDatabase(dir);
    store = Store.open(database.settings(), clock);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
    if (database != null) {
      database.close();
    }
  }

  /** Closes the store and opens it again on the same database. */
  Store reopen() {
    store.close();
    store = Store.open(database.settings(), clock);
    return store;
  }

  /** An alert of {@code rule} last seen {@code seconds} after T0 whose events are {@code eventIds}. */
  static Alert alert(String rule, Severity severity, long seconds, Long... eventIds) {
    Instant last = T0.plusSeconds(seconds);
    return new Alert(rule, "Rule " + rule, severity, List.of("test"), Map.of("source.ip", "203.0.113.7"),
        last.minusSeconds(10), last, eventIds.length, Arrays.asList(eventIds), eventIds.length + " events");
  }
}
