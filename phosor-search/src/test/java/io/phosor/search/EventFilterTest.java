package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EventFilter} against the reference, {@link EventIndex#search}: for every query, the events the filter lets
 * through are exactly the events search finds in an index holding the same events.
 */
class EventFilterTest {
  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T12:00:00Z"));

  private List<Event> sample() {
    TestEvents ev = new TestEvents(1);
    Instant t = Instant.parse("2026-11-21T10:00:00Z");
    Instant in = Instant.parse("2026-11-21T10:00:01Z");
    List<Event> out = new ArrayList<>();
    out.add(ev.failedPassword(t, in, "admin", "203.0.113.7", 52113));
    out.add(ev.failedPassword(t.plusSeconds(5), in, "root", "10.1.2.3", 40000));
    out.add(ev.acceptedKey(t.plusSeconds(9), in, "web01", "alice", "198.51.100.4"));
    out.add(ev.sudo(t.plusSeconds(20), in, "alice", "/bin/bash"));
    out.add(ev.web(t.plusSeconds(30), in, "web01", "192.0.2.44", "GET", "/admin/login.php?id=1'--", 500, 1234));
    out.add(ev.web(t.plusSeconds(31), in, "web02", "192.0.2.45", "POST", "/api/items", 201, 88));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("event_type", "db_error");
    json.put("severity", "critical");
    json.put("port", 22L);
    json.put("message", "Database connection failed on db-7");
    out.add(ev.json(in, json));
    Map<String, Object> other = new LinkedHashMap<>();
    other.put("port", "ssh");
    other.put("user", "Bob");
    out.add(ev.json(in, other));
    return out;
  }

  @Test
  void theFilterLetsThroughExactlyWhatSearchFinds() throws IOException {
    List<Event> events = sample();
    List<String> queries = List.of("*", "Failed", "\"Failed password\"", "user:root", "user.name:ROOT",
        "source.ip:\"10.0.0.0/8\"", "src_ip:203.0.113.7", "http.response.status_code:[500 TO 599]",
        "source.port:>50000", "host.name:web*", "NOT user.name:alice", "failed OR sudo", "port:22", "port:ssh",
        "user.name:/ro+t/", "event.id:[2 TO 4]", "user.name:*", "-process.name:sshd", "severity:critical",
        "@timestamp:[2026-11-21T10:00:10Z TO *]", "database AND db");
    int selective = 0;
    try (EventIndex index = EventIndex.open(dir, IndexSettings.defaults(), clock)) {
      index.add(events);
      index.refresh();
      for (String q : queries) {
        Set<Long> expected = new TreeSet<>();
        for (Map<String, Object> hit : index.search(new SearchRequest(q, null, null, 1000, null)).events()) {
          expected.add(((Number) hit.get("event.id")).longValue());
        }
        EventFilter f = EventFilter.of(q, clock);
        Set<Long> got = new TreeSet<>();
        for (Event e : events) {
          if (f.test(e)) {
            got.add(e.seq());
          }
        }
        assertThat(got).as("query %s", q).isEqualTo(expected);
        if (!expected.isEmpty() && expected.size() < events.size()) {
          selective++;
        }
      }
    }
    assertThat(selective).as("queries that select some events but not all").isGreaterThanOrEqualTo(16);
  }

  @Test
  void aFieldFirstSeenAsANumberIsQueriedAsANumber() {
    EventFilter f = EventFilter.of("bytes:>100", clock);
    TestEvents ev = new TestEvents(1);
    Instant in = Instant.parse("2026-11-21T10:00:01Z");
    assertThat(f.test(ev.json(in, Map.of("bytes", 5000L)))).isTrue();
    assertThat(f.test(ev.json(in, Map.of("bytes", 50L)))).isFalse();
    assertThat(f.problem()).isNull();
  }

  @Test
  void nowMovesWithTheClock() {
    EventFilter f = EventFilter.of("@timestamp:>now-15m", clock);
    TestEvents ev = new TestEvents(1);
    Event recent = ev.json(clock.instant(), Map.of("@timestamp", "2026-11-21T11:50:00Z", "m", "x"));
    assertThat(f.test(recent)).isTrue();
    clock.advance(Duration.ofMinutes(30));
    assertThat(f.test(recent)).isFalse();
  }

  @Test
  void aMalformedQueryIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> EventFilter.of("(user:root", clock)).isInstanceOf(QuerySyntaxException.class)
        .hasMessageContaining("position");
  }
}
