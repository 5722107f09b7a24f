package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz target (Jazzer) for the search query language ({@link EventQueryParser}, Lucene
 * classic syntax over typed event fields), run as the API runs it: {@link EventIndex#search} and
 * {@link EventIndex#histogram} on a small real index. In {@code ./mvnw verify} it replays the inputs under
 * {@code src/test/resources/io/phosor/search/EventQueryParserFuzzTestInputs/query/} (docs/fuzzing.md).
 *
 * <p>Properties: a query either runs or fails with the documented errors, {@link QuerySyntaxException}
 * with a 1-based position inside the query (or just after it) or {@link SearchLimitException}; a page has
 * at most the requested number of events; a histogram at most its bucket limit.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class EventQueryParserFuzzTest {
  private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
  private static Path dir;
  private static EventIndex index;

  @BeforeAll
  static void indexEvents() throws IOException {
    dir = Files.createTempDirectory("phosor-query-fuzz");
    index = EventIndex.open(dir, IndexSettings.defaults(), new ManualClock(Instant.parse("2026-11-21T12:00:00Z")));
    TestEvents e = new TestEvents();
    List<Event> batch = new ArrayList<>();
    batch.add(e.failedPassword(T0, T0.plusSeconds(1), "root", "203.0.113.7", 40022));
    batch.add(e.acceptedKey(T0.plusSeconds(60), T0.plusSeconds(61), "web01", "deploy", "10.1.2.3"));
    batch.add(e.sudo(T0.plusSeconds(120), T0.plusSeconds(121), "alice", "/usr/bin/systemctl restart nginx"));
    batch.add(e.web(T0.plusSeconds(180), T0.plusSeconds(181), "web01", "198.51.100.4", "GET", "/api/v1/items?page=2",
        200, 512));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("message", "user Root logged in");
    json.put("user", "Root");
    json.put("source.ip", "2001:db8::5");
    json.put("duration", 1.5);
    json.put("port", 22);
    batch.add(e.json(T0.plusSeconds(240), json));
    index.add(batch);
    index.refresh();
  }

  @AfterAll
  static void close() throws IOException {
    if (index != null) {
      index.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest(maxDuration = "3m")
  void query(byte[] data) {
    String q = new String(data, StandardCharsets.UTF_8);
    try {
      SearchPage page = index.search(new SearchRequest(q, null, null, 3, null));
      assertThat(page.events().size()).isLessThanOrEqualTo(3);
    } catch (QuerySyntaxException e) {
      checkPosition(e, q);
      return;
    } catch (SearchLimitException e) {
      assertThat(e.value()).isGreaterThan(e.max());
      return;
    }
    try {
      Histogram h = index.histogram(q, T0.minusSeconds(3600), T0.plusSeconds(3600), Duration.ofMinutes(10));
      assertThat(h.buckets().size()).isLessThanOrEqualTo(12);
    } catch (QuerySyntaxException e) {
      checkPosition(e, q); // a query that ran once must parse the same way again
      throw new AssertionError("search accepted what histogram refused: " + e.getMessage(), e);
    }
  }

  private static void checkPosition(QuerySyntaxException e, String q) {
    assertThat(e.position()).as("position of \"%s\" in a query of %d chars", e.getMessage(), q.length())
        .isBetween(1, q.length() + 1);
    assertThat(e.query()).isEqualTo(q);
  }
}
