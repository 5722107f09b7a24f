package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.alert.AlertService;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionStageTest {
  private static final String EVERY_EVENT = """
      {"id": "every", "name": "Every event", "type": "pattern", "severity": "low",
       "config": {"match": {"field": "message", "exists": true}}}
      """;

  @TempDir
  Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();

  private DetectionStage stage(Journal journal, int capacity) {
    Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.systemUTC());
    engine.setRules(RuleFiles.parse(EVERY_EVENT, "test"));
    return new DetectionStage(engine, journal.dir(), journal.lastSyncedSeq(), capacity, alerts::addAll,
        dir.resolve("baselines.json"), registry, Clock.systemUTC());
  }

  /** Journals {@code n} events (as the pipeline does before it calls the sinks) and returns them as one batch. */
  private static List<Event> journaled(Journal journal, int n) throws Exception {
    List<Event> batch = new ArrayList<>();
    Instant t = Instant.parse("2024-11-21T23:30:00Z");
    for (int i = 0; i < n; i++) {
      Event e = new Event("test", null, t, "line");
      e.put("message", "m");
      e.timestamp(t);
      journal.append(e);
      batch.add(e);
    }
    journal.sync();
    return batch;
  }

  private static List<Long> firingIds(List<Alert> alerts) {
    return alerts.stream().map(a -> a.eventIds().get(a.eventIds().size() - 1)).toList();
  }

  @Test
  void whenTheQueueOverflowsTheStageCatchesUpFromTheJournalWithoutLossOrDuplicates() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      DetectionStage stage = stage(journal, 16);
      // Not started yet: the first batch fits, the second overflows, the rest are left to the journal.
      stage.accept(journaled(journal, 10));
      stage.accept(journaled(journal, 10));
      stage.accept(journaled(journal, 300));
      assertThat(stage.overflowCount()).isEqualTo(1);
      stage.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 320);
      // Back on the queue after catching up.
      stage.accept(journaled(journal, 5));
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 325);
      stage.close(Duration.ofSeconds(5));
      List<Long> expected = new ArrayList<>();
      for (long i = 1; i <= 325; i++) {
        expected.add(i);
      }
      assertThat(firingIds(alerts)).containsExactlyElementsOf(expected);
      assertThat(registry.get("phosor.detect.journal.events").counter().count()).isGreaterThanOrEqualTo(310);
      assertThat(stage.lagEvents()).isZero();
    }
  }

  @Test
  void shutdownDrainsTheQueueAndSavesBaselinesAtomically() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      DetectionStage stage = stage(journal, 1000);
      stage.start();
      stage.accept(journaled(journal, 100));
      stage.close(Duration.ofSeconds(5));
      assertThat(alerts).hasSize(100);
      assertThat(Files.exists(dir.resolve("baselines.json"))).isTrue();
      assertThat(Files.exists(dir.resolve("baselines.json.tmp"))).isFalse();
    }
  }

  @Test
  void afterACrashTheStageResumesFromItsSavedPositionThroughTheJournal() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      journaled(journal, 50);
      Files.writeString(dir.resolve("detect.position"), "20\n");
      DetectionStage stage = stage(journal, 1000);
      stage.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 30);
      stage.close(Duration.ofSeconds(5));
      assertThat(firingIds(alerts).get(0)).isEqualTo(21L);
      assertThat(Files.readString(dir.resolve("detect.position"))).isEqualTo("50");
    }
  }

  @Test
  void whileAlertDeliveryFailsTheStageHoldsTheAlertsRetriesAndLosesNone() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.systemUTC());
      engine.setRules(RuleFiles.parse(EVERY_EVENT, "test"));
      DetectionStage stage = new DetectionStage(engine, journal.dir(), journal.lastSyncedSeq(), 1000, batch -> {
        attempts.incrementAndGet();
        if (down.get()) {
          throw new IllegalStateException("database unavailable");
        }
        alerts.addAll(batch);
      }, dir.resolve("baselines.json"), registry, Clock.systemUTC());
      stage.start();
      stage.accept(journaled(journal, 10));
      await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 2);
      assertThat(stage.deliveryProblem()).contains("database unavailable");
      assertThat(alerts).isEmpty();
      stage.accept(journaled(journal, 10));
      down.set(false);
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 20);
      assertThat(stage.deliveryProblem()).isNull();
      stage.close(Duration.ofSeconds(5));
      assertThat(firingIds(alerts)).doesNotHaveDuplicates().hasSize(20);
    }
  }

  @Test
  void alertsStillUnstoredWhenShutdownGivesUpAreNotPassedByTheSavedPosition() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(false);
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.systemUTC());
      engine.setRules(RuleFiles.parse(EVERY_EVENT, "test"));
      DetectionStage stage = new DetectionStage(engine, journal.dir(), journal.lastSyncedSeq(), 1000, batch -> {
        if (down.get()) {
          throw new IllegalStateException("database unavailable");
        }
        alerts.addAll(batch);
      }, dir.resolve("baselines.json"), registry, Clock.systemUTC());
      stage.start();
      stage.accept(journaled(journal, 10));
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 10 && savedPosition() == 10);
      down.set(true);
      stage.accept(journaled(journal, 5));
      await().atMost(Duration.ofSeconds(10)).until(() -> stage.lastProcessed() == 15);
      stage.close(Duration.ofSeconds(2)); // the store stays down: the writer gives up on the last 5 alerts
      assertThat(alerts).hasSize(10);
      assertThat(savedPosition()).as("the next start detects events 11-15 again").isEqualTo(10);
    }
  }

  @Test
  void replacedRulesTakeEffectWithoutARestart() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      DetectionStage stage = stage(journal, 1000);
      stage.start();
      stage.accept(journaled(journal, 3));
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 3);
      stage.replaceRules(RuleFiles.parse(EVERY_EVENT.replace("\"id\": \"every\"", "\"id\": \"other\"")
          .replace("\"exists\": true", "\"equals\": \"never\""), "test")).get(5, java.util.concurrent.TimeUnit.SECONDS);
      stage.accept(journaled(journal, 3));
      // wait for the three events rather than for close()'s bounded drain, which a loaded machine can outrun
      await().atMost(Duration.ofSeconds(10)).until(() -> stage.lastProcessed() == 6);
      stage.close(Duration.ofSeconds(5));
      assertThat(alerts).hasSize(3);
      assertThat(stage.lastProcessed()).isEqualTo(6);
    }
  }

  private static final String THREE_IN_TEN_MINUTES = """
      {"id": "three", "name": "Three per user", "type": "threshold", "severity": "high", "group_by": ["user.name"],
       "config": {"match": {"field": "message", "exists": true}, "count": 3, "window_seconds": 600}}
      """;

  private DetectionStage thresholdStage(Journal journal) {
    Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.systemUTC());
    engine.setRules(RuleFiles.parse(THREE_IN_TEN_MINUTES, "test"));
    return new DetectionStage(engine, journal.dir(), journal.lastSyncedSeq(), 1000, alerts::addAll,
        dir.resolve("baselines.json"), registry, Clock.systemUTC());
  }

  private static List<Event> at(Journal journal, String time, String user) throws Exception {
    Instant t = Instant.parse(time);
    Event e = new Event("test", null, t, "line");
    e.put("message", "m");
    e.put("user.name", user);
    e.timestamp(t);
    journal.append(e);
    journal.sync();
    return List.of(e);
  }

  @Test
  void windowsOpenAtAStopAreRebuiltFromTheJournalAndNothingFiresTwice() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      DetectionStage first = thresholdStage(journal);
      first.start();
      first.accept(at(journal, "2024-11-21T10:00:00Z", "old")); // outside the window by the end
      first.accept(at(journal, "2024-11-21T10:20:00Z", "bob"));
      first.accept(at(journal, "2024-11-21T10:21:00Z", "bob"));
      first.accept(at(journal, "2024-11-21T10:21:30Z", "eve"));
      first.accept(at(journal, "2024-11-21T10:21:31Z", "eve"));
      first.accept(at(journal, "2024-11-21T10:21:32Z", "eve")); // eve's alert, before the stop
      await().atMost(Duration.ofSeconds(10)).until(() -> first.lastProcessed() == 6);
      first.close(Duration.ofSeconds(5));
      assertThat(alerts).extracting(a -> a.groupKey().get("user.name")).containsExactly("eve");
      assertThat(Files.readString(dir.resolve("detect.position"))).startsWith("6 ");
    }
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      DetectionStage second = thresholdStage(journal);
      second.start();
      second.accept(at(journal, "2024-11-21T10:22:00Z", "bob")); // bob's third within 10 minutes
      await().atMost(Duration.ofSeconds(10)).until(() -> second.lastProcessed() == 7);
      second.close(Duration.ofSeconds(5));
      // bob fires with the two events from before the restart; eve's alert is not raised again
      assertThat(alerts).extracting(a -> a.groupKey().get("user.name")).containsExactly("eve", "bob");
      assertThat(alerts.get(1).eventIds()).containsExactly(2L, 3L, 7L);
    }
  }

  // ---- alerts are stored off the detect thread (issue 10) ------------------------------------------------------

  /**
   * A real SQLite store whose write lock the test holds from a second connection (as another process would): the
   * store's writes wait on it (busy timeout), so storing alerts is as slow as the test wants.
   */
  private final class LockedStore implements AutoCloseable {
    final Store store = Store.open(StoreSettings.of(null, dir.resolve("store")), Clock.systemUTC());
    final AlertService service = new AlertService(store.alerts(), registry);
    private java.sql.Connection holder;

    void lock() throws java.sql.SQLException {
      holder = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store").resolve("phosor.db"));
      try (var st = holder.createStatement()) {
        st.execute("BEGIN IMMEDIATE"); // takes SQLite's write lock until COMMIT
      }
    }

    void unlock() throws java.sql.SQLException {
      try (var st = holder.createStatement()) {
        st.execute("COMMIT");
      }
      holder.close();
      holder = null;
    }

    long stored() {
      return store.alerts().count();
    }

    @Override
    public void close() throws java.sql.SQLException {
      if (holder != null) {
        unlock();
      }
      store.close();
    }
  }

  private DetectionStage storeStage(Journal journal, AlertService service) {
    Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.systemUTC());
    engine.setRules(RuleFiles.parse(EVERY_EVENT, "test"));
    return new DetectionStage(engine, journal.dir(), journal.lastSyncedSeq(), 10_000, service,
        dir.resolve("baselines.json"), registry, Clock.systemUTC());
  }

  private long savedPosition() throws Exception {
    return Long.parseLong(Files.readString(dir.resolve("detect.position")).strip().split("\\s+")[0]);
  }

  @Test
  void theDetectThreadKeepsDetectingWhileTheStoreIsSlow() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20); LockedStore locked = new LockedStore()) {
      DetectionStage stage = storeStage(journal, locked.service);
      stage.start();
      locked.lock();
      // Three batches while no alert can be stored: storing on the detect thread would stop it after the first.
      stage.accept(journaled(journal, 100));
      stage.accept(journaled(journal, 100));
      stage.accept(journaled(journal, 100));
      await().atMost(Duration.ofSeconds(10)).until(() -> stage.lastProcessed() == 300);
      assertThat(locked.stored()).isZero();
      locked.unlock();
      await().atMost(Duration.ofSeconds(20)).until(() -> locked.stored() == 300);
      stage.close(Duration.ofSeconds(5));
      assertThat(registry.get("phosor.detect.alert.writer.batch").summary().max())
          .as("alerts that waited together are stored together").isGreaterThan(100);
    }
  }

  @Test
  void theSavedPositionNeverPassesAnEventWhoseAlertIsNotStored() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20); LockedStore locked = new LockedStore()) {
      DetectionStage stage = storeStage(journal, locked.service);
      stage.start();
      stage.accept(journaled(journal, 10));
      await().atMost(Duration.ofSeconds(10)).until(() -> locked.stored() == 10 && savedPosition() == 10);
      locked.lock();
      stage.accept(journaled(journal, 50));
      await().atMost(Duration.ofSeconds(10)).until(() -> stage.lastProcessed() == 60);
      // the position is saved every second; over several saves it must stay where the stored alerts end
      await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> savedPosition() == 10);
      locked.unlock();
      await().atMost(Duration.ofSeconds(20)).until(() -> locked.stored() == 60 && savedPosition() == 60);
      stage.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void afterAKillWithAlertsUnstoredTheyAreRaisedFromTheJournalExactlyOnce() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20); LockedStore locked = new LockedStore()) {
      DetectionStage first = storeStage(journal, locked.service);
      first.start();
      first.accept(journaled(journal, 20));
      await().atMost(Duration.ofSeconds(10)).until(() -> locked.stored() == 20 && savedPosition() == 20);
      locked.lock();
      first.accept(journaled(journal, 30));
      await().atMost(Duration.ofSeconds(10)).until(() -> first.lastProcessed() == 50);
      // "kill": the stage is abandoned with 30 alerts unstored; what a restart sees is detect.position
      String position = Files.readString(dir.resolve("detect.position"));
      locked.unlock();
      await().atMost(Duration.ofSeconds(20)).until(() -> locked.stored() == 50); // the abandoned writer finishes late
      Files.writeString(dir.resolve("detect.position"), position);
      DetectionStage second = storeStage(journal, locked.service);
      second.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> second.lastProcessed() == 50);
      second.close(Duration.ofSeconds(5));
      assertThat(Long.parseLong(position.strip().split("\\s+")[0])).isEqualTo(20);
      assertThat(locked.stored()).as("replayed alerts are deduplicated by fingerprint").isEqualTo(50);
      first.close(Duration.ofSeconds(5));
    }
  }
}
