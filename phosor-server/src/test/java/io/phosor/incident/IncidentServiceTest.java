package io.phosor.incident;

import static io.phosor.event.Severity.CRITICAL;
import static io.phosor.event.Severity.HIGH;
import static io.phosor.event.Severity.LOW;
import static io.phosor.event.Severity.MEDIUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.detect.Alert;
import io.phosor.event.Severity;
import io.phosor.store.AlertStatus;
import io.phosor.store.IncidentEvent;
import io.phosor.store.IncidentQuery;
import io.phosor.store.IncidentStatus;
import io.phosor.store.IncidentSummary;
import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import io.phosor.store.StoredAlert;
import io.phosor.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grouping alerts into incidents on a real SQLite store, with a manual clock and no worker thread unless started. */
class IncidentServiceTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(30);

  @TempDir
  Path dir;
  final ManualClock clock = new ManualClock(T0);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<IncidentUpdate> updates = new CopyOnWriteArrayList<>();
  final List<Map<String, Object>> feed = new CopyOnWriteArrayList<>();
  Store store;
  IncidentService service;
  private long nextEvent = 1;

  @BeforeEach
  void open() {
    store = Store.open(StoreSettings.of(null, dir), clock);
    service = newService();
  }

  @AfterEach
  void close() {
    service.close();
    store.close();
  }

  @SuppressWarnings("unchecked")
  private IncidentService newService() {
    IncidentService s = new IncidentService(store, WINDOW, (type, payload) -> {
      assertThat(type).isEqualTo("incident");
      feed.add((Map<String, Object>) payload);
    }, registry, clock);
    s.addListener(updates::add);
    return s;
  }

  /** Stores an alert of {@code rule} grouped by {@code key}, its last event {@code minutes} after T0. */
  private StoredAlert alert(String rule, Severity severity, long minutes, Map<String, String> key) {
    Instant last = T0.plus(Duration.ofMinutes(minutes));
    Alert a = new Alert(rule, rule.equals("ssh-brute-force") ? "SSH brute force" : "Rule " + rule, severity,
        List.of(), key, last.minusSeconds(30), last, 1, List.of(nextEvent++), "summary");
    return store.alerts().insertAll(List.of(a)).get(0);
  }

  private StoredAlert fromIp(String ip, Severity severity, long minutes) {
    return alert("ssh-brute-force", severity, minutes, Map.of("source.ip", ip));
  }

  private List<IncidentSummary> incidents() {
    return store.incidents().list(IncidentQuery.newest(100));
  }

  @Test
  void alertsFromTheSameAddressWithinTheWindowJoinOneIncident() {
    StoredAlert first = fromIp("203.0.113.7", HIGH, 0);
    service.groupPending();
    StoredAlert second = fromIp("203.0.113.7", HIGH, 20);
    service.groupPending();

    assertThat(incidents()).singleElement().satisfies(s -> {
      assertThat(s.incident().title()).isEqualTo("SSH brute force from 203.0.113.7");
      assertThat(s.incident().entityType()).isEqualTo("ip");
      assertThat(s.incident().entityValue()).isEqualTo("203.0.113.7");
      assertThat(s.incident().createdBy()).isEqualTo("system");
      assertThat(s.alertCount()).isEqualTo(2);
      assertThat(s.lastAlertAt()).isEqualTo(second.alert().lastSeen());
    });
    assertThat(updates).hasSize(2);
    assertThat(updates.get(0).created()).isTrue();
    assertThat(updates.get(0).newAlerts()).extracting(StoredAlert::id).containsExactly(first.id());
    assertThat(updates.get(0).by()).isEqualTo("system");
    assertThat(updates.get(1).created()).isFalse();
    assertThat(updates.get(1).newAlerts()).extracting(StoredAlert::id).containsExactly(second.id());
    assertThat(feed).extracting(m -> m.get("change")).containsExactly("created", "alerts_linked");
    assertThat(feed.get(1)).containsEntry("alert_count", 2L).containsEntry("alert_ids", List.of(second.id()))
        .containsEntry("status", "open").containsEntry("entity_value", "203.0.113.7");
    assertThat(service.processedThrough()).isEqualTo(second.id());
    assertThat(registry.counter("phosor.incidents.opened").count()).isEqualTo(1);
    assertThat(registry.counter("phosor.incidents.alerts.grouped").count()).isEqualTo(2);
    assertThat(registry.get("phosor.incidents.lag.alerts").gauge().value()).isZero();
  }

  @Test
  void alertsOfOneBatchAboutOneIncidentAreToldAsOneUpdate() {
    StoredAlert a = fromIp("203.0.113.7", HIGH, 0);
    StoredAlert b = fromIp("203.0.113.7", HIGH, 1);
    StoredAlert other = fromIp("198.51.100.1", HIGH, 1);

    assertThat(service.groupPending()).isEqualTo(3);

    assertThat(updates).hasSize(2);
    assertThat(updates.get(0).created()).isTrue();
    assertThat(updates.get(0).newAlerts()).extracting(StoredAlert::id).containsExactly(a.id(), b.id());
    assertThat(updates.get(1).newAlerts()).extracting(StoredAlert::id).containsExactly(other.id());
  }

  @Test
  void anAlertLaterThanTheWindowAfterTheLastAlertOpensANewIncident() {
    fromIp("203.0.113.7", HIGH, 0);
    fromIp("203.0.113.7", HIGH, 25);
    fromIp("203.0.113.7", HIGH, 25 + 31);
    service.groupPending();

    assertThat(incidents()).extracting(IncidentSummary::alertCount).containsExactly(1L, 2L);
    assertThat(updates).filteredOn(IncidentUpdate::created).hasSize(2);
  }

  @Test
  void aResolvedIncidentIsNotJoinedAndResolvingItResolvesItsAlerts() {
    StoredAlert first = fromIp("203.0.113.7", HIGH, 0);
    service.groupPending();
    long id = incidents().get(0).incident().id();

    IncidentService.Change c = service.setStatus(id, IncidentStatus.RESOLVED, "alice");
    StoredAlert after = fromIp("203.0.113.7", HIGH, 5);
    service.groupPending();

    assertThat(c.resolvedAlerts()).containsExactly(first.id());
    assertThat(store.alerts().get(first.id()).orElseThrow().status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(store.alerts().get(first.id()).orElseThrow().resolvedBy()).isEqualTo("alice");
    assertThat(incidents()).hasSize(2);
    assertThat(incidents().get(0).incident().id()).isNotEqualTo(id);
    assertThat(store.alerts().get(after.id()).orElseThrow().status()).isEqualTo(AlertStatus.OPEN);
    IncidentUpdate resolved = updates.get(1);
    assertThat(resolved.statusChanged()).isTrue();
    assertThat(resolved.previousStatus()).isEqualTo(IncidentStatus.OPEN);
    assertThat(resolved.incident().status()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(resolved.by()).isEqualTo("alice");
    assertThat(feed.get(1)).containsEntry("change", "status_changed").containsEntry("previous_status", "open");
    assertThat(store.incidents().timeline(id)).extracting(IncidentEvent::kind)
        .containsExactly("created", "alert_linked", "status_changed", "alerts_resolved");
  }

  @Test
  void anAcknowledgedIncidentStillTakesAlertsAndLeavesThemOpen() {
    fromIp("203.0.113.7", HIGH, 0);
    service.groupPending();
    long id = incidents().get(0).incident().id();
    service.setStatus(id, IncidentStatus.ACKNOWLEDGED, "alice");

    StoredAlert next = fromIp("203.0.113.7", HIGH, 10);
    service.groupPending();

    assertThat(incidents()).singleElement().satisfies(s -> assertThat(s.alertCount()).isEqualTo(2));
    assertThat(store.alerts().get(next.id()).orElseThrow().status()).isEqualTo(AlertStatus.OPEN);
  }

  @Test
  void theSeverityIsTheHighestOfItsAlerts() {
    fromIp("203.0.113.7", MEDIUM, 0);
    fromIp("203.0.113.7", CRITICAL, 1);
    fromIp("203.0.113.7", LOW, 2);
    service.groupPending();

    IncidentSummary s = incidents().get(0);
    assertThat(s.incident().severity()).isEqualTo(CRITICAL);
    assertThat(store.incidents().timeline(s.incident().id())).filteredOn(e -> e.kind().equals("severity_raised"))
        .singleElement().satisfies(e -> assertThat(e.detail()).contains("\"from\":\"medium\",\"to\":\"critical\""));
    assertThat(updates.get(0).incident().severity()).isEqualTo(CRITICAL);
  }

  @Test
  void usersAndHostsAreEntitiesAndAnAlertAboutNothingGroupsByItsRule() {
    alert("impossible-travel", HIGH, 0, Map.of("user.name", "alice"));
    alert("password-spray-target", MEDIUM, 5, Map.of("user.name", "alice", "host.name", "dc-1"));
    alert("malware", HIGH, 0, Map.of("host.name", "web-1"));
    alert("disk-full", LOW, 0, Map.of());
    alert("disk-full", LOW, 10, Map.of());
    service.groupPending();

    assertThat(incidents()).extracting(s -> s.incident().entityType() + ":" + s.incident().entityValue() + " "
        + s.alertCount() + " " + s.incident().title())
        .containsExactlyInAnyOrder("user:alice 2 Rule impossible-travel for user alice",
            "host:web-1 1 Rule malware on host web-1", "rule:disk-full 2 Rule disk-full");
  }

  @Test
  void aRestartResumesAfterTheCursorAndNeverLinksAnAlertTwice() {
    StoredAlert first = fromIp("203.0.113.7", HIGH, 0);
    service.groupPending();
    assertThat(store.settings().get(IncidentService.CURSOR)).contains(Long.toString(first.id()));
    service.close();

    // alerts stored while Phosor was down, one of them grouped by a worker that crashed before it saved its cursor
    StoredAlert crashed = fromIp("203.0.113.7", HIGH, 1);
    store.incidents().group(crashed.id(), "ip", "203.0.113.7", "t", WINDOW, "system");
    StoredAlert waiting = fromIp("203.0.113.7", HIGH, 2);
    updates.clear();
    service = newService();

    assertThat(service.groupPending()).isEqualTo(2);

    long id = incidents().get(0).incident().id();
    assertThat(incidents()).hasSize(1);
    assertThat(store.incidents().alertIds(id)).containsExactly(first.id(), crashed.id(), waiting.id());
    assertThat(store.incidents().timeline(id)).filteredOn(e -> e.kind().equals("alert_linked")).hasSize(3);
    // the update that may not have been told before the crash is told (again): at least once
    assertThat(updates).singleElement().satisfies(u -> {
      assertThat(u.created()).isFalse();
      assertThat(u.newAlerts()).extracting(StoredAlert::id).containsExactly(crashed.id(), waiting.id());
    });
    assertThat(service.processedThrough()).isEqualTo(waiting.id());
    assertThat(store.settings().get(IncidentService.CURSOR)).contains(Long.toString(waiting.id()));
    assertThat(service.groupPending()).isZero();
  }

  @Test
  void theFirstStartOnADatabaseWithAlertsGroupsOnlyTheAlertsStoredFromThenOn() {
    service.close();
    store.settings().remove(IncidentService.CURSOR); // a database from before incidents existed
    StoredAlert old = fromIp("203.0.113.7", HIGH, 0);
    service = newService();

    StoredAlert fresh = fromIp("203.0.113.7", HIGH, 1);
    assertThat(service.groupPending()).isEqualTo(1);

    assertThat(store.settings().get(IncidentService.CURSOR)).contains(Long.toString(fresh.id()));
    assertThat(incidents()).singleElement().satisfies(s -> assertThat(store.incidents().alertIds(s.incident().id()))
        .containsExactly(fresh.id()));
    assertThat(old.id()).isLessThan(fresh.id());
  }

  @Test
  void peopleAssignAndAnnotateAndEachChangeIsToldWithWhoMadeIt() {
    fromIp("203.0.113.7", HIGH, 0);
    service.groupPending();
    long id = incidents().get(0).incident().id();
    updates.clear();
    feed.clear();

    assertThat(service.assign(id, "bob", "alice").changed()).isTrue();
    assertThat(service.assign(id, "bob", "alice").changed()).isFalse();
    service.addNote(id, "blocked at the edge", "bob");
    assertThat(service.setStatus(id, IncidentStatus.OPEN, "bob").changed()).isFalse();

    assertThat(updates).extracting(IncidentUpdate::by).containsExactly("alice", "bob");
    assertThat(updates.get(0).incident().assignee()).isEqualTo("bob");
    assertThat(updates).allSatisfy(u -> assertThat(u.statusChanged()).isFalse());
    assertThat(feed).extracting(m -> m.get("change")).containsExactly("assigned", "note");
  }

  @Test
  void theWorkerGroupsWhatTheDetectionThreadAnnouncesAndWaitersSeeIt() throws Exception {
    service.start();
    List<StoredAlert> stored = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      stored.add(fromIp("203.0.113." + i, HIGH, i));
    }
    service.onAlerts(stored);

    assertThat(service.awaitProcessed(stored.get(2).id(), Duration.ofSeconds(10))).isTrue();
    assertThat(incidents()).hasSize(3);
    assertThat(service.awaitProcessed(stored.get(2).id() + 1, Duration.ofMillis(50))).isFalse();
    assertThat(service.problem()).isNull();
  }

  @Test
  void aFailingStoreIsReportedAsTheProblemAndAlertsWait() {
    service.start();
    StoredAlert a = fromIp("203.0.113.7", HIGH, 0);
    service.onAlerts(List.of(a));
    await().until(() -> service.processedThrough() == a.id());
    store.close();

    service.onAlerts(List.of(new StoredAlert(a.id() + 1, "f", a.alert(), AlertStatus.OPEN, T0, null, null, null, null,
        null)));

    await().until(() -> service.problem() != null);
    assertThat(service.problem()).startsWith("cannot group alerts: ");
    assertThat(registry.counter("phosor.incidents.store.failures").count()).isPositive();
    assertThat(registry.get("phosor.incidents.lag.alerts").gauge().value()).isEqualTo(1);
  }

  @Test
  void aListenerThatThrowsStopsNeitherTheOthersNorGrouping() {
    service.addListener(u -> {
      throw new IllegalStateException("boom");
    });
    List<IncidentUpdate> after = new ArrayList<>();
    service.addListener(after::add);
    fromIp("203.0.113.7", HIGH, 0);

    service.groupPending();

    assertThat(after).hasSize(1);
    assertThat(service.processedThrough()).isPositive();
    assertThat(registry.counter("phosor.incidents.listener.failures").count()).isEqualTo(1);
  }

  @Test
  void aBacklogOfAlertsIsGroupedFiftyPerTransactionAndStillGroupedWhileStoringAlertsComesFirst() {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    // the alert writer is always behind here: grouping gives way before each transaction, but only for a while
    service.yieldWhile(() -> {
      asked.incrementAndGet();
      return true;
    });
    for (int i = 0; i < 120; i++) {
      fromIp("203.0.113." + (i % 3), HIGH, i % 20);
    }

    assertThat(service.groupPending()).isEqualTo(120);

    assertThat(incidents()).hasSize(3).allSatisfy(s -> assertThat(s.alertCount()).isEqualTo(40));
    assertThat(registry.get("phosor.incidents.alerts.grouped").counter().count()).isEqualTo(120.0);
    // 120 alerts: one batch of 200 read, grouped in three transactions, each first giving way a while
    assertThat(asked.get()).isGreaterThan(3);
    assertThat(updates).hasSize(3);
  }
}
