package io.phosor.store;

import static io.phosor.event.Severity.CRITICAL;
import static io.phosor.event.Severity.HIGH;
import static io.phosor.event.Severity.LOW;
import static io.phosor.event.Severity.MEDIUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.detect.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Alerts: idempotent insertion, filters, ordering, paging, and the open/acknowledged/resolved life cycle. */
abstract class AlertsContract extends StoreContract {
  List<Long> ids(List<StoredAlert> alerts) {
    return alerts.stream().map(StoredAlert::id).toList();
  }

  @Test
  void insertedAlertsComeBackWithIdsOpenStatusAndEveryField() {
    Alert a = new Alert("brute-force", "Brute force", HIGH, List.of("auth", "t1110"),
        Map.of("source.ip", "203.0.113.7", "user", "root"), Instant.parse("2026-01-01T00:00:00.123456789Z"),
        Instant.parse("2026-01-01T00:01:00.5Z"), 5, List.of(11L, 12L, 13L, 14L, 15L), "5 auth_fail events");
    List<StoredAlert> inserted = store.alerts().insertAll(List.of(a));

    assertThat(inserted).singleElement().satisfies(s -> {
      assertThat(s.id()).isPositive();
      assertThat(s.status()).isEqualTo(AlertStatus.OPEN);
      assertThat(s.createdAt()).isEqualTo(T0);
      assertThat(s.fingerprint()).isEqualTo(Alerts.fingerprint(a)).hasSize(64);
      assertThat(s.alert().firstSeen()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
      assertThat(s.acknowledgedBy()).isNull();
    });
    assertThat(store.alerts().get(inserted.get(0).id())).contains(inserted.get(0));
    Alert back = inserted.get(0).alert();
    assertThat(back.ruleId()).isEqualTo("brute-force");
    assertThat(back.ruleName()).isEqualTo("Brute force");
    assertThat(back.severity()).isEqualTo(HIGH);
    assertThat(back.tags()).containsExactly("auth", "t1110");
    assertThat(back.groupKey()).isEqualTo(a.groupKey());
    assertThat(back.lastSeen()).isEqualTo(a.lastSeen());
    assertThat(back.count()).isEqualTo(5);
    assertThat(back.eventIds()).containsExactly(11L, 12L, 13L, 14L, 15L);
    assertThat(back.summary()).isEqualTo("5 auth_fail events");
  }

  @Test
  void insertingTheSameAlertsAgainStoresThemOnceAndReturnsNothing() {
    List<Alert> batch = List.of(alert("r1", LOW, 1, 1L), alert("r1", LOW, 2, 2L), alert("r2", HIGH, 3, 3L));
    assertThat(store.alerts().insertAll(batch)).hasSize(3);

    assertThat(store.alerts().insertAll(batch)).isEmpty();
    assertThat(store.alerts().count()).isEqualTo(3);
  }

  @Test
  void aReplayMixingOldAndNewAlertsReturnsOnlyTheNewOnesInOrder() {
    Alert old = alert("r1", LOW, 1, 1L);
    store.alerts().insertAll(List.of(old));
    Alert newer = alert("r1", LOW, 2, 2L);
    Alert newest = alert("r1", LOW, 3, 3L);

    List<StoredAlert> inserted = store.alerts().insertAll(List.of(newer, old, newest, newer));

    assertThat(inserted).extracting(s -> s.alert().eventIds()).containsExactly(List.of(2L), List.of(3L));
    assertThat(store.alerts().count()).isEqualTo(3);
  }

  @Test
  void theFingerprintIsStableIgnoresGroupKeyOrderAndTellsDifferentAlertsApart() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    Instant t = T0;
    Alert one = new Alert("r", "R", LOW, List.of(), ab, t, t, 1, List.of(1L), "s");
    Alert same = new Alert("r", "another name", MEDIUM, List.of("x"), ba, t, t, 1, List.of(1L), "other summary");

    assertThat(Alerts.fingerprint(one)).isEqualTo(Alerts.fingerprint(same)).matches("[0-9a-f]{64}");
    assertThat(Alerts.fingerprint(one)).isNotEqualTo(
        Alerts.fingerprint(new Alert("r", "R", LOW, List.of(), ab, t, t, 1, List.of(2L), "s")));
    assertThat(Alerts.fingerprint(one)).isNotEqualTo(
        Alerts.fingerprint(new Alert("r", "R", LOW, List.of(), ab, t, t.plusMillis(1), 1, List.of(1L), "s")));
    assertThat(Alerts.fingerprint(one)).isNotEqualTo(
        Alerts.fingerprint(new Alert("r", "R", LOW, List.of(), Map.of("a", "12"), t, t, 1, List.of(1L), "s")));
    // Length prefixes: moving a character between fields changes the fingerprint.
    assertThat(Alerts.fingerprint(new Alert("r", "R", LOW, List.of(), Map.of("ab", "c"), t, t, 1, List.of(), "s")))
        .isNotEqualTo(Alerts.fingerprint(new Alert("r", "R", LOW, List.of(), Map.of("a", "bc"), t, t, 1, List.of(), "s")));
  }

  @Test
  void listReturnsTheNewestFirstAndPagesWithBeforeId() {
    for (int i = 1; i <= 7; i++) {
      store.alerts().insertAll(List.of(alert("r", LOW, i, (long) i)));
    }
    List<StoredAlert> first = store.alerts().list(AlertQuery.newest(3));
    assertThat(first).extracting(s -> s.alert().eventIds().get(0)).containsExactly(7L, 6L, 5L);

    List<StoredAlert> second = store.alerts().list(AlertQuery.newest(3).withBeforeId(first.get(2).id()));
    assertThat(second).extracting(s -> s.alert().eventIds().get(0)).containsExactly(4L, 3L, 2L);
    List<StoredAlert> third = store.alerts().list(AlertQuery.newest(3).withBeforeId(second.get(2).id()));
    assertThat(third).extracting(s -> s.alert().eventIds().get(0)).containsExactly(1L);
  }

  @Test
  void listFiltersBySeverityStatusRuleAndLastSeenRange() {
    List<StoredAlert> in = store.alerts().insertAll(List.of(alert("a", LOW, 10, 1L), alert("a", HIGH, 20, 2L),
        alert("b", CRITICAL, 30, 3L), alert("b", MEDIUM, 40, 4L), alert("c", HIGH, 50, 5L)));
    long low = in.get(0).id();
    long high = in.get(1).id();
    long critical = in.get(2).id();
    long medium = in.get(3).id();
    long highC = in.get(4).id();
    store.alerts().acknowledge(high, "alice");
    store.alerts().resolve(critical, "bob");

    assertThat(ids(store.alerts().list(AlertQuery.newest(100).withSeverities(Set.of(HIGH, CRITICAL)))))
        .containsExactly(highC, critical, high);
    assertThat(ids(store.alerts().list(AlertQuery.newest(100).withStatus(AlertStatus.OPEN))))
        .containsExactly(highC, medium, low);
    assertThat(ids(store.alerts().list(AlertQuery.newest(100).withStatus(AlertStatus.RESOLVED)))).containsExactly(critical);
    assertThat(ids(store.alerts().list(AlertQuery.newest(100).withRuleId("b")))).containsExactly(medium, critical);
    assertThat(ids(store.alerts().list(AlertQuery.newest(100).withLastSeen(T0.plusSeconds(20), T0.plusSeconds(40)))))
        .as("from is inclusive, to exclusive").containsExactly(critical, high);
    assertThat(ids(store.alerts().list(AlertQuery.newest(100).withLastSeen(T0.plusSeconds(41), null))))
        .containsExactly(highC);
    assertThat(ids(store.alerts().list(AlertQuery.newest(100).withRuleId("a").withSeverities(Set.of(HIGH))
        .withStatus(AlertStatus.ACKNOWLEDGED).withLastSeen(null, T0.plusSeconds(21))))).containsExactly(high);
    assertThat(store.alerts().list(AlertQuery.newest(100).withRuleId("nope"))).isEmpty();
  }

  @Test
  void aQueryOutsideItsBoundsIsRejected() {
    assertThatThrownBy(() -> AlertQuery.newest(0)).hasMessage("limit must be 1-1000, was 0");
    assertThatThrownBy(() -> AlertQuery.newest(1001)).hasMessage("limit must be 1-1000, was 1001");
    assertThatThrownBy(() -> AlertQuery.newest(1).withLastSeen(T0, T0)).hasMessageContaining("from");
    assertThatThrownBy(() -> store.alerts().insertAll(List.of(alert("x".repeat(201), LOW, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert rule id is 201 characters long, more than the 200 allowed");
    List<Alert> tooMany = java.util.Collections.nCopies(10_001, alert("r", LOW, 1, 1L));
    assertThatThrownBy(() -> store.alerts().insertAll(tooMany))
        .hasMessage("10001 alerts in one call, more than the 10000 allowed: split the batch");
  }

  @Test
  void acknowledgingRecordsWhoAndWhenAndASecondAcknowledgementChangesNothing() {
    long id = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L))).get(0).id();
    clock.advance(Duration.ofMinutes(5));

    StoredAlert acked = store.alerts().acknowledge(id, "alice");
    assertThat(acked.status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
    assertThat(acked.acknowledgedBy()).isEqualTo("alice");
    assertThat(acked.acknowledgedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));

    clock.advance(Duration.ofMinutes(1));
    assertThat(store.alerts().acknowledge(id, "bob")).isEqualTo(acked);
    assertThat(store.alerts().get(id)).contains(acked);
  }

  @Test
  void resolvingRecordsWhoAndWhenFromOpenOrAcknowledged() {
    List<StoredAlert> in = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L), alert("r", LOW, 2, 2L)));
    store.alerts().acknowledge(in.get(0).id(), "alice");
    clock.advance(Duration.ofHours(1));

    StoredAlert fromAcked = store.alerts().resolve(in.get(0).id(), "bob");
    StoredAlert fromOpen = store.alerts().resolve(in.get(1).id(), "carol");

    assertThat(fromAcked.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(fromAcked.acknowledgedBy()).isEqualTo("alice");
    assertThat(fromAcked.resolvedBy()).isEqualTo("bob");
    assertThat(fromAcked.resolvedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(fromOpen.acknowledgedBy()).isNull();
    assertThat(fromOpen.resolvedBy()).isEqualTo("carol");
  }

  @Test
  void aResolvedAlertCannotBeResolvedAgainOrAcknowledged() {
    long id = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L))).get(0).id();
    store.alerts().resolve(id, "bob");

    assertThatThrownBy(() -> store.alerts().resolve(id, "carol"))
        .isInstanceOf(StoreConflictException.class)
        .hasMessage("alert " + id + " is already resolved (by bob at " + T0 + ")");
    assertThatThrownBy(() -> store.alerts().acknowledge(id, "carol"))
        .isInstanceOf(StoreConflictException.class)
        .hasMessage("alert " + id + " is resolved (by bob at " + T0 + "); a resolved alert cannot be acknowledged");
    assertThat(store.alerts().get(id).orElseThrow().resolvedBy()).isEqualTo("bob");
  }

  @Test
  void anUnknownAlertIsEmptyToReadAndNotFoundToChange() {
    assertThat(store.alerts().get(424242)).isEmpty();
    assertThatThrownBy(() -> store.alerts().acknowledge(424242, "alice"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("alert 424242 does not exist");
    assertThatThrownBy(() -> store.alerts().resolve(424242, "alice"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("alert 424242 does not exist");
  }

  @Test
  void countsAreByStatusWithEveryStatusPresent() {
    assertThat(store.alerts().countByStatus())
        .isEqualTo(Map.of(AlertStatus.OPEN, 0L, AlertStatus.ACKNOWLEDGED, 0L, AlertStatus.RESOLVED, 0L));
    List<StoredAlert> in = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L), alert("r", LOW, 2, 2L),
        alert("r", LOW, 3, 3L)));
    store.alerts().acknowledge(in.get(0).id(), "a");
    store.alerts().resolve(in.get(1).id(), "a");

    assertThat(store.alerts().count()).isEqualTo(3);
    assertThat(store.alerts().countByStatus()).containsEntry(AlertStatus.OPEN, 1L)
        .containsEntry(AlertStatus.ACKNOWLEDGED, 1L).containsEntry(AlertStatus.RESOLVED, 1L);
  }
  @Test
  void afterReturnsTheAlertsAboveAnIdLowestFirstSoAReaderResumesWhereItStopped() {
    List<StoredAlert> all = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L), alert("r", LOW, 2, 2L),
        alert("r", HIGH, 3, 3L)));

    assertThat(ids(store.alerts().after(0, 2))).containsExactly(all.get(0).id(), all.get(1).id());
    assertThat(ids(store.alerts().after(all.get(1).id(), 10))).containsExactly(all.get(2).id());
    assertThat(store.alerts().after(all.get(2).id(), 10)).isEmpty();
    assertThat(store.alerts().after(0, 10).get(2)).isEqualTo(store.alerts().get(all.get(2).id()).orElseThrow());
    assertThatThrownBy(() -> store.alerts().after(0, 0)).hasMessage("limit must be 1-1000, was 0");
  }

  @Test
  void ofIncidentReturnsTheLinkedAlertsNewestFirst() {
    List<StoredAlert> all = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L), alert("r", LOW, 2, 2L),
        alert("r", HIGH, 3, 3L)));
    long incident = store.incidents().create("t", LOW, null, null, "x").id();
    store.incidents().linkAlert(incident, all.get(0).id(), "x");
    store.incidents().linkAlert(incident, all.get(2).id(), "x");

    assertThat(ids(store.alerts().ofIncident(incident, 10))).containsExactly(all.get(2).id(), all.get(0).id());
    assertThat(ids(store.alerts().ofIncident(incident, 1))).containsExactly(all.get(2).id());
    assertThat(store.alerts().ofIncident(999_999, 10)).isEmpty();
  }

  @Test
  void anAlertIsStoredWithoutEnrichmentAndEnrichingSetsAndReplacesIt() {
    long id = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L))).get(0).id();
    assertThat(store.alerts().get(id).orElseThrow().enrichment()).isNull();

    String first = "{\"ip\":{\"198.51.100.7\":{\"indicators\":[{\"source\":\"drop.txt\"}]}}}";
    StoredAlert enriched = store.alerts().enrich(id, first);

    assertThat(enriched.enrichment()).isEqualTo(first);
    assertThat(enriched.status()).isEqualTo(AlertStatus.OPEN);
    assertThat(store.alerts().get(id).orElseThrow().enrichment()).isEqualTo(first);
    assertThat(store.alerts().list(AlertQuery.newest(10))).singleElement()
        .satisfies(a -> assertThat(a.enrichment()).isEqualTo(first));
    String second = "{\"ip\":{}}";
    store.alerts().enrich(id, second);
    assertThat(store.alerts().get(id).orElseThrow().enrichment()).isEqualTo(second);
  }

  @Test
  void enrichmentMustBeAJsonObjectOfBoundedSizeForAnAlertThatExists() {
    long id = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L))).get(0).id();

    assertThatThrownBy(() -> store.alerts().enrich(424242, "{}"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("alert 424242 does not exist");
    assertThatThrownBy(() -> store.alerts().enrich(id, "{not json"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alert enrichment is not valid JSON");
    assertThatThrownBy(() -> store.alerts().enrich(id, "[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("alert enrichment must be a JSON object");
    assertThatThrownBy(() -> store.alerts().enrich(id, "{\"x\":\"" + "a".repeat(Check.MAX_JSON) + "\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.alerts().get(id).orElseThrow().enrichment()).isNull();
  }

  @Test
  void enrichingSeveralAlertsAtOnceSetsEachAndLeavesOutThoseThatNoLongerExist() {
    List<StoredAlert> two = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L), alert("r", LOW, 2, 2L)));
    java.util.Map<Long, String> json = new java.util.LinkedHashMap<>();
    json.put(two.get(1).id(), "{\"ip\":{\"b\":{}}}");
    json.put(424242L, "{}");
    json.put(two.get(0).id(), "{\"ip\":{\"a\":{}}}");

    List<StoredAlert> enriched = store.alerts().enrichAll(json);

    assertThat(enriched).extracting(StoredAlert::id).containsExactly(two.get(1).id(), two.get(0).id());
    assertThat(enriched).extracting(StoredAlert::enrichment).containsExactly("{\"ip\":{\"b\":{}}}",
        "{\"ip\":{\"a\":{}}}");
    assertThat(store.alerts().get(two.get(0).id()).orElseThrow().enrichment()).isEqualTo("{\"ip\":{\"a\":{}}}");
    assertThat(store.alerts().enrichAll(java.util.Map.of())).isEmpty();
    java.util.Map<Long, String> bad = new java.util.LinkedHashMap<>();
    bad.put(two.get(0).id(), "{}");
    bad.put(two.get(1).id(), "[1]");
    assertThatThrownBy(() -> store.alerts().enrichAll(bad)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.alerts().get(two.get(0).id()).orElseThrow().enrichment()).as("nothing stored")
        .isEqualTo("{\"ip\":{\"a\":{}}}");
  }
}
