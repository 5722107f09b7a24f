package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The query language, end to end against a real index of parsed events (docs/search.md). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventQueryParserTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T12:00:00Z"));
  private EventIndex index;

  private static Instant at(int minute) {
    return Instant.parse("2026-11-21T08:00:00Z").plusSeconds(60L * minute);
  }

  @BeforeAll
  void indexEvents(@TempDir Path dir) throws IOException {
    index = EventIndex.open(dir, IndexSettings.defaults(), clock);
    TestEvents e = new TestEvents();
    List<Event> batch = new ArrayList<>();
    batch.add(e.failedPassword(at(0), at(0).plusSeconds(1), "root", "203.0.113.7", 40022)); // 0
    batch.add(e.failedPassword(at(1), at(1).plusSeconds(1), "admin", "185.143.49.60", 3663)); // 1
    batch.add(e.acceptedKey(at(2), at(2).plusSeconds(1), "web01", "deploy", "10.1.2.3")); // 2
    batch.add(e.sudo(at(3), at(3).plusSeconds(1), "alice", "/usr/bin/systemctl restart nginx")); // 3
    batch.add(e.web(at(4), at(4).plusSeconds(1), "web01", "198.51.100.4", "GET", "/api/v1/items?page=2", 200, 512)); // 4
    batch.add(e.web(at(5), at(5).plusSeconds(1), "web02", "198.51.100.77", "POST", "/login", 500, 1024)); // 5
    batch.add(e.web(at(6), at(6).plusSeconds(1), "WEB03", "10.200.0.5", "GET", "/admin", 503, 0)); // 6
    Map<String, Object> seven = new LinkedHashMap<>();
    seven.put("message", "user Root logged in");
    seven.put("user", "Root");
    seven.put("source.ip", "2001:db8::5");
    seven.put("duration", 1.5);
    seven.put("port", 22);
    batch.add(e.json(at(7), seven)); // 7
    Map<String, Object> eight = new LinkedHashMap<>();
    eight.put("message", "probe");
    eight.put("port", "ssh");
    eight.put("destination.ip", "10.9.8.7");
    batch.add(e.json(at(8), eight)); // 8
    batch.add(e.failedPassword(at(9), at(9).plusSeconds(1), "root", "10.0.0.99", 1022)); // 9
    index.add(batch);
    index.refresh();
  }

  @AfterAll
  void closeIndex() throws IOException {
    index.close();
  }

  private List<Long> matches(String query) {
    SearchPage page = index.search(new SearchRequest(query, null, null, 100, null));
    return page.events().stream().map(m -> (Long) m.get("event.id")).sorted().toList();
  }

  private void assertMatches(String query, long... expected) {
    List<Long> want = new ArrayList<>();
    for (long id : expected) {
      want.add(id);
    }
    assertThat(matches(query)).as(query).containsExactlyElementsOf(want);
  }

  @Test
  void emptyAndStarMatchEveryEvent() {
    assertMatches("", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertMatches("*", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertMatches("*:*", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void aliasesSearchTheirCanonicalField() {
    assertMatches("source.ip:203.0.113.7", 0);
    assertMatches("src_ip:203.0.113.7", 0);
    assertMatches("ip:203.0.113.7", 0);
    assertMatches("user.name:root", 0, 7, 9);
    assertMatches("user:root", 0, 7, 9);
    assertMatches("username:root", 0, 7, 9);
    assertMatches("program:sudo", 3);
    assertMatches("host:web01", 2, 4);
  }

  @Test
  void keywordsMatchWholeValuesCaseInsensitively() {
    assertMatches("user.name:ROOT", 0, 7, 9);
    assertMatches("host.name:web03", 6);
    assertMatches("host.name:Web03", 6);
    assertMatches("host.name:web", new long[0]);
    assertMatches("http.request.method:get", 4, 6);
    assertMatches("host.name:\"web01\"", 2, 4);
  }

  @Test
  void wildcardsPrefixesAndRegularExpressionsWorkOnKeywords() {
    assertMatches("host.name:web*", 2, 4, 5, 6);
    assertMatches("host.name:WEB0?", 2, 4, 5, 6);
    assertMatches("host.name:*b02", 5);
    assertMatches("url.original:\\/api\\/v1*", 4);
    assertMatches("user.name:/ro+t/", 0, 7, 9);
    assertMatches("user.name:/r[aeiou]{1,3}t/", 0, 7, 9);
    assertMatches("user.name:/ROOT/", 0, 7, 9);
    assertMatches("user.name:*", 0, 1, 2, 3, 7, 9);
    assertMatches("user.name:roo~1", 0, 7, 9);
  }

  @Test
  void numbersTakeExactValuesRangesAndComparisons() {
    assertMatches("http.response.status_code:500", 5);
    assertMatches("http.response.status_code:[500 TO 599]", 5, 6);
    assertMatches("http.response.status_code:{500 TO 599]", 6);
    assertMatches("http.response.status_code:[500 TO *]", 5, 6);
    assertMatches("http.response.status_code:>=500", 5, 6);
    assertMatches("http.response.status_code:<400", 4);
    assertMatches("source.port:>1024", 0, 1, 2);
    assertMatches("source.port:<=1022", 9);
    assertMatches("http.response.body.bytes:[1 TO 1024}", 4);
    assertMatches("http.response.body.bytes:[0.5 TO 512.5]", 4);
    assertMatches("http.response.status_code:*", 4, 5, 6);
  }

  @Test
  void ipFieldsTakeAddressesRangesAndCidrBlocks() {
    assertMatches("source.ip:10.1.2.3", 2);
    assertMatches("source.ip:\"10.0.0.0/8\"", 2, 6, 9);
    assertMatches("source.ip:10.0.0.0\\/8", 2, 6, 9);
    assertMatches("source.ip:\"10.1.0.0/16\"", 2);
    assertMatches("source.ip:[198.51.100.0 TO 198.51.100.50]", 4);
    assertMatches("source.ip:{198.51.100.4 TO 198.51.100.255]", 5);
    assertMatches("source.ip:\"2001:db8::/32\"", 7);
    assertMatches("source.ip:\"2001:0db8:0:0::5\"", 7);
    assertMatches("destination.ip:\"10.9.8.0/24\"", 8);
    assertMatches("source.ip:10.0.*", 9);
    assertMatches("src_ip:\"203.0.113.0/24\" OR src_ip:\"185.143.49.0/24\"", 0, 1);
  }

  @Test
  void bareTermsAndPhrasesSearchMessageAndOriginalText() {
    assertMatches("\"Failed password\"", 0, 1, 9);
    assertMatches("Failed AND root", 0, 9);
    assertMatches("failed root", 0, 9);
    assertMatches("failed OR probe", 0, 1, 8, 9);
    assertMatches("FAILED", 0, 1, 9);
    assertMatches("\"password failed\"", new long[0]);
    assertMatches("message:accepted", 2);
    assertMatches("event.original:srv31", 0, 1, 9);
    assertMatches("srv31", 0, 1, 9);
    assertMatches("nginx", 3, 4, 5, 6);
    assertMatches("raw:\"sshd[4242]\"", 2);
    assertMatches("fail*", 0, 1, 9);
    assertMatches("\"restart nginx\" AND user.name:alice", 3);
    assertMatches("\"Failed password for\"~1 -user.name:admin", 0, 9);
  }

  @Test
  void aFieldWithSeveralKindsMatchesAnyOfThem() {
    assertMatches("port:22", 7);
    assertMatches("port:ssh", 8);
    assertMatches("port:*", 7, 8);
    assertMatches("duration:>1", 7);
    assertMatches("duration:1.5", 7);
  }

  @Test
  void negationsMeanEverythingExcept() {
    assertMatches("NOT user.name:root", 1, 2, 3, 4, 5, 6, 8);
    assertMatches("-process.name:nginx -process.name:sshd", 3, 7, 8);
    assertMatches("process.name:sshd AND NOT source.ip:\"10.0.0.0/8\"", 0, 1);
  }

  @Test
  void timestampsTakeDatesRangesAndNow() {
    assertMatches("@timestamp:[2026-11-21T08:03:00Z TO 2026-11-21T08:05:00Z]", 3, 4, 5);
    assertMatches("@timestamp:[2026-11-21T08:03:00Z TO 2026-11-21T08:05:00Z}", 3, 4);
    assertMatches("@timestamp:[2026-11-21T08:03 TO 2026-11-21T08:04]", 3, 4);
    assertMatches("@timestamp:\"2026-11-21T08:04:00Z\"", 4);
    assertMatches("@timestamp:2026-11-21", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertMatches("@timestamp:[2026-11-01 TO 2026-11-20]", new long[0]);
    assertMatches("@timestamp:>now-4h", 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertMatches("timestamp:\"<2026-11-21T08:02\"", 0, 1);
    assertMatches("timestamp:<2026-11-21T08\\:02", 0, 1);
    assertMatches("@timestamp:\">=2026-11-21T08:08:00Z\"", 8, 9);
    assertMatches("event.ingested:[2026-11-21T08:09 TO *]", 9);
    assertMatches("event.id:3", 3);
    assertMatches("event.id:[2 TO 4]", 2, 3, 4);
  }

  @Test
  void fixedFieldsAreSearchable() {
    assertMatches("phosor.source:syslog", 0, 1, 2, 3, 4, 5, 6, 9);
    assertMatches("phosor.source:webhook\\:app", 7, 8);
    assertMatches("log.source.address:\"192.0.2.10\"", 7, 8);
    assertMatches("parsed.event_type:auth_fail", 0, 1, 9);
    assertMatches("user.invalid:true", 0, 1, 9);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "user.name:root AND         | 19 | ends too early",
      "(user.name:root OR admin   | 1  | '(' without a closing ')'",
      "user.name:root)            | 15 | ')' without a matching '('",
      "\"Failed password          | 1  | without a closing",
      "source.ip:[1.2.3.4 TO      | 11 | range '['",
      ":root                      | 1  | ':' without a field name",
      "root AND AND admin         | 10 | an operator needs a term on each side",
      "sshd[42]                   | 8  | quote a value",
      "root\\                     | 5  | escapes nothing",
      "source.port:abc            | 13 | source.port holds whole numbers, and 'abc' is not one",
      "source.ip:999.1.1.1        | 11 | source.ip holds IP addresses",
      "source.ip:\"10.0.0.0/33\"  | 12 | not a CIDR block",
      "source.port:[a TO 10]      | 14 | range bounds of source.port",
      "http.response.status_code:5* | 27 | wildcards work on keyword and text fields",
      "@timestamp:[yesterday TO now] | 13 | range bounds of @timestamp must be dates",
      "user.name:/[a-/            | 12 | invalid regular expression",
  })
  void malformedQueriesAreRefusedWithTheirPosition(String query, int position, String problem) {
    assertThatThrownBy(() -> index.search(SearchRequest.of(query.strip())))
        .isInstanceOf(QuerySyntaxException.class)
        .hasMessageContaining(problem)
        .satisfies(e -> {
          QuerySyntaxException q = (QuerySyntaxException) e;
          assertThat(q.position()).isEqualTo(position);
          assertThat(q.query()).isEqualTo(query.strip());
          assertThat(q.getMessage()).endsWith("at position " + position + " of the query");
        });
  }

  @Test
  void histogramsUseTheSameLanguage() {
    Histogram h = index.histogram("src_ip:\"10.0.0.0/8\"", at(0), at(10), java.time.Duration.ofMinutes(5));
    assertThat(h.buckets()).extracting(Histogram.Bucket::count).containsExactly(1L, 2L);
    assertThatThrownBy(() -> index.histogram("a OR", at(0), at(10), java.time.Duration.ofMinutes(5)))
        .isInstanceOf(QuerySyntaxException.class);
  }
}
