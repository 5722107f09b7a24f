package io.phosor.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.detect.Alert;
import io.phosor.event.Severity;
import io.phosor.store.AlertStatus;
import io.phosor.store.StoredAlert;
import io.phosor.testkit.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alert enrichment: which addresses, the stored JSON, the bounded queue. */
class AlertEnricherTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T00:00:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Map<Long, String> stored = new LinkedHashMap<>();
  final List<Long> published = new ArrayList<>();

  AlertEnricher enricher() {
    FileEntries f = new FileEntries("c2.csv", "csv", 10);
    int ref = f.indicator(new Indicator("c2.csv", "csv", "Cobalt Strike C2", null, "ipv4", 90, List.of(), null,
        Long.MIN_VALUE, Long.MAX_VALUE));
    f.add(Ip.parseBlock("198.51.100.7"), ref);
    IndicatorIndex idx = IndicatorIndex.build(List.of(f));
    Reputations reps = new Reputations(() -> idx, null, null, new LookupBudget(10, clock), registry, clock);
    return new AlertEnricher(reps, (id, json) -> {
      stored.put(id, json);
      return alert(id, Map.of());
    }, (alert, e) -> published.add(alert.id()), registry);
  }

  static StoredAlert alert(long id, Map<String, String> group) {
    Alert a = new Alert("known-bad-ip", "Known bad", Severity.CRITICAL, List.of(), group, Instant.EPOCH, Instant.EPOCH,
        1, List.of(1L), "x");
    return new StoredAlert(id, "f" + id, a, AlertStatus.OPEN, Instant.EPOCH, null, null, null, null, null);
  }

  @Test
  void everyDistinctAddressOfTheGroupKeyIsLookedUpAndStoredAsOneJsonObject() throws Exception {
    AlertEnricher e = enricher();
    Map<String, String> group = new LinkedHashMap<>();
    group.put("source.ip", "198.51.100.7");
    group.put("threat.indicator.ip", "198.51.100.7");
    group.put("destination.ip", "10.0.0.9");
    group.put("user.name", "198.51.100.8");
    e.enrichOne(alert(5, group));

    JsonNode json = JSON.readTree(stored.get(5L));
    assertThat(json.get("ip").size()).as("distinct addresses of .ip fields only").isEqualTo(2);
    JsonNode listed = json.get("ip").get("198.51.100.7");
    assertThat(listed.get("indicators").get(0).get("source").asText()).isEqualTo("c2.csv");
    assertThat(listed.get("indicators").get(0).get("description").asText()).isEqualTo("Cobalt Strike C2");
    assertThat(listed.get("indicators").get(0).get("confidence").asInt()).isEqualTo(90);
    assertThat(listed.has("abuseipdb")).as("no key set").isFalse();
    assertThat(json.get("ip").get("10.0.0.9").get("indicators")).isEmpty();
    assertThat(published).containsExactly(5L);
  }

  @Test
  void alertsWithoutAddressesAreSkippedAndAFullQueueIsCounted() {
    AlertEnricher e = enricher(); // not started: nothing drains the queue
    e.onAlerts(List.of(alert(1, Map.of("user.name", "alice"))));
    assertThat(e.backlog()).isZero();

    List<StoredAlert> many = new ArrayList<>();
    for (int i = 0; i < AlertEnricher.QUEUE_CAPACITY + 5; i++) {
      many.add(alert(i, Map.of("source.ip", "198.51.100.7")));
    }
    e.onAlerts(many);
    assertThat(e.backlog()).isEqualTo(AlertEnricher.QUEUE_CAPACITY);
    assertThat(registry.get("phosor_intel_enrich_dropped").counter().count()).isEqualTo(5.0);
  }

  @Test
  void aBatchOfAlertsIsStoredInOneCallAndEachIsPublished() {
    List<Map<Long, String>> calls = new ArrayList<>();
    FileEntries f = new FileEntries("c2.csv", "csv", 10);
    IndicatorIndex idx = IndicatorIndex.build(List.of(f));
    Reputations reps = new Reputations(() -> idx, null, null, new LookupBudget(10, clock), registry, clock);
    AlertEnricher e = new AlertEnricher(reps, new AlertEnricher.Store() {
      @Override
      public StoredAlert enrich(long id, String json) {
        throw new AssertionError("one by one although the batch could be stored at once");
      }

      @Override
      public List<StoredAlert> enrichAll(Map<Long, String> jsonById) {
        calls.add(new LinkedHashMap<>(jsonById));
        return jsonById.keySet().stream().filter(id -> id != 2L).map(id -> alert(id, Map.of())).toList();
      }
    }, (alert, x) -> published.add(alert.id()), registry);

    e.enrichBatch(List.of(alert(1, Map.of("source.ip", "198.51.100.7")), alert(2, Map.of("source.ip", "10.0.0.1")),
        alert(3, Map.of("source.ip", "10.0.0.2"))));

    assertThat(calls).singleElement().satisfies(c -> assertThat(c.keySet()).containsExactly(1L, 2L, 3L));
    assertThat(published).as("alert 2 was deleted meanwhile").containsExactly(1L, 3L);
    assertThat(registry.get("phosor_intel_enriched").counter().count()).isEqualTo(2.0);
    assertThat(registry.get("phosor_intel_enrich_failed").counter().count()).isEqualTo(1.0);
  }
}
