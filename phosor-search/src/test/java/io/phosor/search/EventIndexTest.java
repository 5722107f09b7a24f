package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventIndexTest {
  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T12:00:00Z"));
  private final TestEvents events = new TestEvents();
  private EventIndex index;

  private EventIndex open(IndexSettings settings) throws IOException {
    index = EventIndex.open(dir, settings, clock);
    return index;
  }

  private EventIndex open() throws IOException {
    return open(IndexSettings.defaults());
  }

  @AfterEach
  void close() throws IOException {
    if (index != null) {
      index.close();
    }
  }

  private static Instant t(String iso) {
    return Instant.parse(iso);
  }

  private void addAndRefresh(List<Event> batch) throws IOException {
    index.add(batch);
    index.refresh();
  }

  private static List<Long> ids(SearchPage page) {
    return page.events().stream().map(e -> (Long) e.get("event.id")).toList();
  }

  private List<Long> allIds(String query) {
    List<Long> out = new ArrayList<>();
    SearchRequest r = new SearchRequest(query, null, null, 1000, null);
    while (true) {
      SearchPage p = index.search(r);
      out.addAll(ids(p));
      if (p.nextCursor() == null) {
        return out;
      }
      r = r.after(p.nextCursor());
    }
  }

  @Test
  void eventsArePartitionedByTheirUtcIngestDay() throws IOException {
    open();
    Event lateOn19 = events.failedPassword(t("2026-11-19T23:59:58Z"), t("2026-11-19T23:59:59.999Z"), "root", "203.0.113.7", 40022);
    Event midnight20 = events.failedPassword(t("2026-11-19T23:59:59Z"), t("2026-11-20T00:00:00Z"), "root", "203.0.113.7", 40023);
    // a replayed old log: happened on the 15th, arrived on the 21st; it belongs to the 21st's partition
    Event replayed = events.acceptedKey(t("2026-11-15T08:00:00Z"), t("2026-11-21T10:00:00Z"), "web01", "deploy", "10.1.2.3");
    addAndRefresh(List.of(lateOn19, midnight20, replayed));

    IndexStats stats = index.stats();
    assertThat(stats.partitions()).extracting(IndexStats.Partition::day).containsExactly(
        LocalDate.parse("2026-11-19"), LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"));
    assertThat(stats.partitions()).extracting(IndexStats.Partition::docs).containsExactly(1L, 1L, 1L);
    assertThat(dir.resolve("2026-11-19")).isDirectory();
    assertThat(dir.resolve("2026-11-21")).isDirectory();
    IndexStats.Partition p21 = stats.partitions().get(2);
    assertThat(p21.minTimestamp()).isEqualTo(t("2026-11-15T08:00:00Z"));
    assertThat(p21.bytes()).isPositive();

    SearchPage onThe15th = index.search(new SearchRequest("", t("2026-11-15T00:00:00Z"), t("2026-11-16T00:00:00Z"), 10, null));
    assertThat(ids(onThe15th)).containsExactly(replayed.seq());
  }

  @Test
  void retentionDropsWholePartitionsOnceTheirDayIsOlderThanTheRetentionDays() throws IOException {
    open(IndexSettings.defaults().withRetentionDays(2));
    addAndRefresh(List.of(
        events.failedPassword(t("2026-11-19T10:00:00Z"), t("2026-11-19T10:00:00Z"), "root", "203.0.113.7", 1),
        events.failedPassword(t("2026-11-20T10:00:00Z"), t("2026-11-20T10:00:00Z"), "root", "203.0.113.7", 2),
        events.failedPassword(t("2026-11-21T10:00:00Z"), t("2026-11-21T10:00:00Z"), "root", "203.0.113.7", 3)));
    index.commit();
    assertThat(index.dropExpired()).as("the 19th ended 1.5 days ago: kept").isZero();

    clock.set(t("2026-11-22T00:00:00Z")); // the 19th ended two full days ago
    assertThat(index.dropExpired()).isEqualTo(1);
    assertThat(dir.resolve("2026-11-19")).doesNotExist();
    assertThat(index.stats().partitions()).extracting(IndexStats.Partition::day)
        .containsExactly(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"));
    assertThat(allIds("*")).containsExactly(2L, 1L);
    assertThat(index.get(0)).isEmpty();
    assertThat(index.dropExpired()).isZero();
  }

  @Test
  void eventsWhoseIngestDayIsAlreadyPastRetentionAreSkippedAndCounted() throws IOException {
    open(IndexSettings.defaults().withRetentionDays(3));
    addAndRefresh(List.of(
        events.failedPassword(t("2026-11-10T10:00:00Z"), t("2026-11-10T10:00:00Z"), "root", "203.0.113.7", 1),
        events.failedPassword(t("2026-11-21T10:00:00Z"), t("2026-11-21T10:00:00Z"), "root", "203.0.113.7", 2)));

    assertThat(index.stats().skippedExpired()).isEqualTo(1);
    assertThat(dir.resolve("2026-11-10")).doesNotExist();
    assertThat(allIds("*")).containsExactly(1L);
    index.commit();
    assertThat(index.resumeSeq()).as("the skipped event counts as handled").isEqualTo(2);
  }

  @Test
  void openingDropsPartitionsThatExpiredWhileTheIndexWasClosed() throws IOException {
    open(IndexSettings.defaults().withRetentionDays(7));
    addAndRefresh(List.of(
        events.failedPassword(t("2026-11-21T10:00:00Z"), t("2026-11-21T10:00:00Z"), "root", "203.0.113.7", 1)));
    index.close();
    clock.advance(Duration.ofDays(9));

    open(IndexSettings.defaults().withRetentionDays(7));
    assertThat(index.stats().partitions()).isEmpty();
    assertThat(dir.resolve("2026-11-21")).doesNotExist();
    assertThat(index.resumeSeq()).isEqualTo(1);
  }

  @Test
  void searchReturnsNewestFirstAndTheCursorPagesThroughEveryEventOnce() throws IOException {
    open();
    Random random = new Random(42);
    List<Event> batch = new ArrayList<>();
    Instant base = t("2026-11-20T06:00:00Z");
    for (int i = 0; i < 250; i++) {
      // several events share a second: the seq breaks the tie
      Instant at = base.plusSeconds(random.nextInt(120));
      batch.add(i % 3 == 0
          ? events.web(at, t("2026-11-20T06:05:00Z").plusSeconds(i * 300L), "web01", "198.51.100." + (i % 50), "GET",
              "/api/v1/items?page=" + i, 200, 512 + i)
          : events.failedPassword(at, t("2026-11-20T06:05:00Z").plusSeconds(i * 300L), "user" + (i % 7),
              "203.0.113." + (i % 20), 40000 + i));
    }
    addAndRefresh(batch);
    assertThat(index.stats().partitions()).hasSizeGreaterThan(1);

    List<Event> expected = new ArrayList<>(batch);
    expected.sort(Comparator.<Event, Instant>comparing(Event::timestamp).thenComparingLong(Event::seq).reversed());

    List<Long> seen = new ArrayList<>();
    SearchRequest r = new SearchRequest("", null, null, 7, null);
    int pages = 0;
    while (true) {
      SearchPage page = index.search(r);
      pages++;
      assertThat(page.events()).hasSizeLessThanOrEqualTo(7);
      if (pages == 1) {
        assertThat(page.total()).isEqualTo(250);
        assertThat(page.totalExact()).isTrue();
      }
      seen.addAll(ids(page));
      if (page.nextCursor() == null) {
        break;
      }
      r = r.after(page.nextCursor());
    }
    assertThat(pages).isEqualTo(36); // 35 full pages and one of 5: no empty last page
    assertThat(seen).containsExactlyElementsOf(expected.stream().map(Event::seq).toList());

    List<Long> web = allIds("parsed.event_type:web_access");
    assertThat(web).containsExactlyElementsOf(
        expected.stream().filter(e -> e.seq() % 3 == 0).map(Event::seq).toList());
  }

  @Test
  void aBadCursorIsRefusedWithAHint() throws IOException {
    open();
    assertThatThrownBy(() -> index.search(new SearchRequest("", null, null, 10, "not-a-cursor")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start again from the first page");
  }

  @Test
  void eventsComeBackAsFlatJsonWithEcsKeys() throws IOException {
    open();
    Event e = events.failedPassword(t("2026-11-21T09:15:30Z"), t("2026-11-21T09:15:31.250Z"), "admin", "185.143.49.60", 3663);
    Event broken = events.line(t("2026-11-21T09:16:00Z"), "<999>garbage that is not syslog");
    addAndRefresh(List.of(e, broken));

    Map<String, Object> json = index.get(e.seq()).orElseThrow();
    assertThat(new ArrayList<>(json.keySet()).subList(0, 6)).containsExactly("event.id", "@timestamp",
        "event.ingested", "phosor.source", "log.source.address", "event.original");
    assertThat(json).containsEntry("event.id", 0L)
        .containsEntry("@timestamp", "2026-11-21T09:15:30Z")
        .containsEntry("event.ingested", "2026-11-21T09:15:31.250Z")
        .containsEntry("phosor.source", "syslog")
        .containsEntry("log.source.address", "10.0.0.2:514")
        .containsEntry("event.original", e.original())
        .containsEntry("user.name", "admin")
        .containsEntry("source.ip", "185.143.49.60")
        .containsEntry("source.port", 3663L)
        .containsEntry("user.invalid", true)
        .doesNotContainKey("error.message");
    assertThat(json.get("message")).isEqualTo(e.get("message"));

    Map<String, Object> failed = index.get(broken.seq()).orElseThrow();
    assertThat((String) failed.get("error.message")).contains("PRI <999>");
    assertThat(index.get(12345)).isEmpty();
  }

  @Test
  void timeRangeIsFromInclusiveToExclusiveAndSkipsPartitionsOutsideIt() throws IOException {
    open();
    // ingest day = event day here, three partitions
    addAndRefresh(List.of(
        events.failedPassword(t("2026-11-19T10:00:00Z"), t("2026-11-19T10:00:01Z"), "root", "203.0.113.7", 1),
        events.failedPassword(t("2026-11-20T10:00:00Z"), t("2026-11-20T10:00:01Z"), "root", "203.0.113.7", 2),
        events.failedPassword(t("2026-11-20T11:00:00Z"), t("2026-11-20T11:00:01Z"), "root", "203.0.113.7", 3),
        events.failedPassword(t("2026-11-21T10:00:00Z"), t("2026-11-21T10:00:01Z"), "root", "203.0.113.7", 4)));

    SearchPage p = index.search(new SearchRequest("user.name:root", t("2026-11-20T10:00:00Z"), t("2026-11-20T11:00:00Z"), 10, null));
    assertThat(ids(p)).containsExactly(1L);
    p = index.search(new SearchRequest("", t("2026-11-20T10:00:00Z"), t("2026-11-20T11:00:00.001Z"), 10, null));
    assertThat(ids(p)).containsExactly(2L, 1L);
    p = index.search(new SearchRequest("", t("2026-11-20T00:00:00Z"), null, 10, null));
    assertThat(ids(p)).containsExactly(3L, 2L, 1L);
    p = index.search(new SearchRequest("", null, t("2026-11-20T00:00:00Z"), 10, null));
    assertThat(ids(p)).containsExactly(0L);

    assertThat(index.partitionsSearched(t("2026-11-20T10:00:00Z"), t("2026-11-20T11:00:00Z"))).isEqualTo(1);
    assertThat(index.partitionsSearched(t("2026-11-18T00:00:00Z"), t("2026-11-19T00:00:00Z"))).isZero();
    assertThat(index.partitionsSearched(null, null)).isEqualTo(3);
  }

  @Test
  void histogramCountsPerAlignedBucketIncludingEmptyOnesAcrossPartitions() throws IOException {
    open();
    List<Event> batch = new ArrayList<>();
    // 22:xx on the 20th: 3 events, 23:xx: none, 00:xx on the 21st: 2 events, 01:xx: 1 web event
    for (String at : List.of("2026-11-20T22:05:00Z", "2026-11-20T22:59:59.999Z", "2026-11-20T22:30:00Z",
        "2026-11-21T00:00:00Z", "2026-11-21T00:45:00Z")) {
      batch.add(events.failedPassword(t(at), t(at).plusMillis(5), "root", "203.0.113.7", 22));
    }
    batch.add(events.web(t("2026-11-21T01:10:00Z"), t("2026-11-21T01:10:01Z"), "web01", "198.51.100.4", "GET", "/", 200, 1));
    addAndRefresh(batch);

    Histogram h = index.histogram("", t("2026-11-20T22:00:00Z"), t("2026-11-21T02:00:00Z"), Duration.ofHours(1));
    assertThat(h.buckets()).extracting(Histogram.Bucket::start).containsExactly(t("2026-11-20T22:00:00Z"),
        t("2026-11-20T23:00:00Z"), t("2026-11-21T00:00:00Z"), t("2026-11-21T01:00:00Z"));
    assertThat(h.buckets()).extracting(Histogram.Bucket::count).containsExactly(3L, 0L, 2L, 1L);
    assertThat(h.total()).isEqualTo(6);

    Histogram sshOnly = index.histogram("process.name:sshd", t("2026-11-20T22:00:00Z"), t("2026-11-21T02:00:00Z"),
        Duration.ofHours(1));
    assertThat(sshOnly.buckets()).extracting(Histogram.Bucket::count).containsExactly(3L, 0L, 2L, 0L);

    // from inside a bucket: the bucket starts at the aligned hour, only events from 'from' on are counted
    Histogram partial = index.histogram("*", t("2026-11-20T22:30:00Z"), t("2026-11-21T00:30:00Z"), Duration.ofHours(1));
    assertThat(partial.buckets()).extracting(Histogram.Bucket::start)
        .containsExactly(t("2026-11-20T22:00:00Z"), t("2026-11-20T23:00:00Z"), t("2026-11-21T00:00:00Z"));
    assertThat(partial.buckets()).extracting(Histogram.Bucket::count).containsExactly(2L, 0L, 1L);
  }

  @Test
  void histogramRefusesMoreThanTenThousandBucketsAndSaysWhichIntervalWouldDo() throws IOException {
    open();
    Instant from = t("2026-11-20T00:00:00Z");
    assertThat(index.histogram("", from, from.plus(Duration.ofSeconds(10_000)), Duration.ofSeconds(1)).buckets())
        .hasSize(10_000);
    assertThatThrownBy(() -> index.histogram("", from, from.plus(Duration.ofDays(1)), Duration.ofSeconds(1)))
        .isInstanceOf(SearchLimitException.class)
        .hasMessageContaining("histogram buckets is 86400, the limit is 10000")
        .hasMessageContaining("interval of at least PT8.64S");
    assertThatThrownBy(() -> index.histogram("", from, from.plusSeconds(60), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
    assertThatThrownBy(() -> index.histogram("", from, from, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be before");
  }

  @Test
  void requestsBeyondTheLimitsAreRefused() throws IOException {
    open();
    assertThatThrownBy(() -> new SearchRequest("", null, null, 1001, null))
        .isInstanceOf(SearchLimitException.class).hasMessageContaining("limit is 1001, the limit is 1000");
    assertThatThrownBy(() -> new SearchRequest("", null, null, 0, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> index.search(SearchRequest.of("a".repeat(4097))))
        .isInstanceOf(SearchLimitException.class)
        .satisfies(e -> assertThat(((SearchLimitException) e).max()).isEqualTo(4096));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 800; i++) {
      many.append('t').append(i).append(' '); // each bare term searches two fields: 1,600 clauses
    }
    assertThatThrownBy(() -> index.search(SearchRequest.of(many.toString())))
        .isInstanceOf(SearchLimitException.class).hasMessageContaining("query clauses");
    assertThatThrownBy(() -> index.search(SearchRequest.of("user.name:/.*a.{30}/")))
        .isInstanceOf(SearchLimitException.class).hasMessageContaining("pattern complexity");
    // found by fuzzing (docs/fuzzing.md): Lucene builds a repetition's whole automaton before its work limit
    // applies, so these took 36 to 48 s of CPU each; now they are refused before any automaton is built
    for (String q : List.of("host.name:/(a|aa)*b{1,99999}/", "user.name:/b{1,99999}/", "/(b{1,300}){1,300}/",
        "user.name:/x{5000,}/")) {
      assertThatThrownBy(() -> index.search(SearchRequest.of(q))).as(q)
          .isInstanceOf(SearchLimitException.class).hasMessageContaining("size of the regular expression")
          .satisfies(e -> assertThat(((SearchLimitException) e).max()).isEqualTo(1000));
    }
    assertThat(index.search(SearchRequest.of("user.name:/b{1,999}/")).events()).isEmpty();
    // found by fuzzing: a bare wildcard term (message and event.original) escaped the work limit's
    // translation and failed with Lucene's own TooComplexToDeterminizeException
    assertThatThrownBy(() -> index.search(SearchRequest.of("*" + "?".repeat(18) + "X".repeat(10) + "?".repeat(86))))
        .isInstanceOf(SearchLimitException.class).hasMessageContaining("pattern complexity");
  }

  @Test
  void overlongValuesAndExtraFieldsAreStoredButNotIndexedAndCounted() throws IOException {
    open(IndexSettings.defaults().withBounds(5, 100, 65_536, 10_000));
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("message", "login ok");
    object.put("token", "x".repeat(101));
    object.put("a", "1");
    object.put("b", "2");
    object.put("c", "3");
    object.put("d", "4");
    object.put("weird#name", "5");
    Event e = events.json(t("2026-11-21T10:00:00Z"), object);
    addAndRefresh(List.of(e));

    assertThat(ids(index.search(SearchRequest.of("a:1")))).containsExactly(e.seq());
    assertThat(ids(index.search(SearchRequest.of("token:x*")))).isEmpty();
    assertThat(ids(index.search(SearchRequest.of("d:4")))).as("beyond 5 values per event").isEmpty();
    assertThat(index.get(e.seq()).orElseThrow()).containsEntry("token", "x".repeat(101)).containsEntry("d", "4")
        .containsEntry("weird#name", "5");
    assertThat(index.stats().valuesNotIndexed()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void eachEventKeepsItsOwnValuesThoughIndexingReusesFieldsFromOneEventToTheNext() throws IOException {
    open(IndexSettings.defaults().withIndexThreads(2));
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) { // over two threads, each reusing its fields event after event
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("message", "event " + i);
      if (i % 3 == 0) { // lists: several values of one kind in one document
        object.put("related.ip", List.of("10.0." + (i / 256) + "." + (i % 256), "192.168.0." + (i % 200)));
        object.put("tags", List.of("t" + i, "T" + (i + 1)));
        object.put("n", List.of(i, i + 0.5, 100_000 + i));
      } else {
        object.put("n", i);
      }
      batch.add(events.json(t("2026-11-21T10:00:00Z"), object));
    }
    addAndRefresh(batch);

    long first = batch.get(0).seq();
    assertThat(ids(index.search(SearchRequest.of("related.ip:\"10.0.2.43\"")))).containsExactly(first + 555);
    assertThat(ids(index.search(SearchRequest.of("related.ip:\"192.168.0.155\""))))
        .as("the second value of the same kind in one event").containsExactly(first + 1155, first + 555);
    assertThat(ids(index.search(SearchRequest.of("tags:t556")))).containsExactly(first + 555);
    assertThat(ids(index.search(SearchRequest.of("tags:t555")))).containsExactly(first + 555);
    assertThat(ids(index.search(SearchRequest.of("n:100555")))).containsExactly(first + 555);
    assertThat(ids(index.search(SearchRequest.of("n:555.5")))).containsExactly(first + 555);
    assertThat(ids(index.search(SearchRequest.of("n:556")))).containsExactly(first + 556);
    assertThat(ids(index.search(SearchRequest.of("message:556")))).containsExactly(first + 556);
    assertThat(index.search(SearchRequest.of("tags:*")).total()).isEqualTo(400);
    assertThat(index.search(SearchRequest.of("n:[0 TO 1199]")).total()).isEqualTo(1_200);
  }

  @Test
  void whileNobodySearchesRefreshesAreDeferredAndTheNextSearchStillSeesEveryEvent() throws IOException {
    open();
    clock.advance(EventIndex.SEARCH_IDLE_AFTER);
    Event a = events.failedPassword(t("2026-11-21T11:00:00Z"), t("2026-11-21T11:00:00Z"), "root", "203.0.113.7", 22);
    index.add(List.of(a));
    index.refreshIfSearched();
    assertThat(index.searchersCurrent()).as("deferred: nobody searched for 30 s").isFalse();

    assertThat(ids(index.search(SearchRequest.of("user.name:root")))).containsExactly(a.seq());
    assertThat(index.searchersCurrent()).isTrue();

    Event b = events.failedPassword(t("2026-11-21T11:00:01Z"), t("2026-11-21T11:00:01Z"), "bob", "203.0.113.7", 22);
    index.add(List.of(b));
    index.refreshIfSearched();
    assertThat(index.searchersCurrent()).as("someone searched just now: refreshed every time").isTrue();

    clock.advance(EventIndex.SEARCH_IDLE_AFTER);
    Event c = events.failedPassword(t("2026-11-21T11:00:02Z"), t("2026-11-21T11:00:02Z"), "carol", "203.0.113.7", 22);
    index.add(List.of(c));
    index.refreshIfSearched();
    assertThat(index.searchersCurrent()).isFalse();
    assertThat(index.get(c.seq())).as("get refreshes first too").isPresent();
    Event d = events.failedPassword(t("2026-11-21T11:00:03Z"), t("2026-11-21T11:00:03Z"), "dave", "203.0.113.7", 22);
    clock.advance(EventIndex.SEARCH_IDLE_AFTER);
    index.add(List.of(d));
    index.refreshIfSearched();
    assertThat(index.histogram("user.name:dave", t("2026-11-21T11:00:00Z"), t("2026-11-21T12:00:00Z"),
        Duration.ofHours(1)).buckets().get(0).count()).as("and a histogram").isEqualTo(1);
  }

  @Test
  void newFieldNamesBeyondTheBudgetAreNotIndexed() throws IOException {
    open(IndexSettings.defaults().withBounds(256, 8191, 65_536, 16));
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      batch.add(events.json(t("2026-11-21T10:00:00Z"), Map.of("message", "m" + i, "key" + i, "v")));
    }
    addAndRefresh(batch);
    assertThat(index.search(SearchRequest.of("key0:v")).events()).hasSize(1);
    assertThat(index.search(SearchRequest.of("key39:v")).events()).isEmpty();
    assertThat(index.stats().valuesNotIndexed()).isPositive();
    assertThat(index.get(39).orElseThrow()).containsEntry("key39", "v");
  }

  @Test
  void eventsWithoutAJournalSeqAreRefusedAndNothingOfTheBatchIsIndexed() throws IOException {
    open();
    Event ok = events.failedPassword(t("2026-11-21T10:00:00Z"), t("2026-11-21T10:00:00Z"), "root", "203.0.113.7", 1);
    Event unjournaled = events.failedPassword(t("2026-11-21T10:00:00Z"), t("2026-11-21T10:00:00Z"), "root", "203.0.113.7", 2);
    unjournaled.seq(-1);
    assertThatThrownBy(() -> index.add(List.of(ok, unjournaled)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("journal seq");
    addAndRefresh(List.of(ok));
    assertThat(allIds("*")).containsExactly(ok.seq());
  }

  @Test
  void aSecondProcessCannotOpenTheSameIndex() throws IOException {
    open();
    assertThatThrownBy(() -> EventIndex.open(dir, IndexSettings.defaults(), clock))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("another Phosor process");
  }

  @Test
  void aClosedIndexRefusesSearches() throws IOException {
    open();
    index.close();
    assertThatThrownBy(() -> index.search(SearchRequest.of(""))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    index = null;
  }

  @Test
  void statsCountDocumentsBytesAndSkips() throws IOException {
    open();
    Event a = events.failedPassword(t("2026-11-21T10:00:00Z"), t("2026-11-21T10:00:00Z"), "root", "203.0.113.7", 1);
    addAndRefresh(List.of(a));
    index.add(List.of(a)); // the same event again: a duplicate
    index.commit();
    IndexStats s = index.stats();
    assertThat(s.docs()).isEqualTo(1);
    assertThat(s.bytes()).isPositive();
    assertThat(s.skippedDuplicate()).isEqualTo(1);
    assertThat(s.resumeSeq()).isEqualTo(1);
  }

  @Test
  void searchesRunConcurrentlyWithIndexingAndAlwaysSeeAConsistentNewestFirstOrder() throws Exception {
    open(IndexSettings.defaults().withIndexThreads(2));
    int batches = 40;
    int perBatch = 600;
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong searches = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch started = new CountDownLatch(3);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      int which = r;
      Thread t = new Thread(() -> {
        started.countDown();
        long lastTotal = 0;
        while (!done.get()) {
          try {
            if (which == 2) {
              Histogram h = index.histogram("process.name:sshd", t("2026-11-21T00:00:00Z"), t("2026-11-22T00:00:00Z"),
                  Duration.ofMinutes(10));
              assertThat(h.total()).isGreaterThanOrEqualTo(lastTotal);
              lastTotal = h.total();
            } else {
              SearchPage p = index.search(new SearchRequest(which == 0 ? "" : "user.name:user3", null, null, 50, null));
              List<Long> ids = ids(p);
              assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
              List<String> stamps = p.events().stream().map(e -> (String) e.get("@timestamp")).toList();
              assertThat(stamps).isSortedAccordingTo(Comparator.comparing(Instant::parse).reversed());
              for (Long id : ids) {
                assertThat(index.get(id)).isPresent();
              }
            }
            searches.incrementAndGet();
          } catch (Throwable e) {
            failures.add(e);
            return;
          }
        }
      });
      t.start();
      readers.add(t);
    }
    started.await();
    Instant base = t("2026-11-21T08:00:00Z");
    for (int b = 0; b < batches; b++) {
      List<Event> batch = new ArrayList<>(perBatch);
      for (int i = 0; i < perBatch; i++) {
        int n = b * perBatch + i;
        Instant at = base.plusMillis(n * 250L);
        batch.add(events.failedPassword(at, at.plusMillis(3), "user" + (n % 5), "203.0.113." + (n % 200), 1024 + n % 5000));
      }
      index.add(batch);
      index.refresh();
      if (b % 10 == 9) {
        index.commit();
      }
    }
    done.set(true);
    for (Thread t : readers) {
      t.join();
    }
    assertThat(failures).isEmpty();
    assertThat(searches.get()).isPositive();
    assertThat(index.stats().docs()).isEqualTo((long) batches * perBatch);
    assertThat(index.search(SearchRequest.of("user.name:user3")).total()).isEqualTo(batches * perBatch / 5);
    Set<Long> all = new HashSet<>(allIds("*"));
    assertThat(all).hasSize(batches * perBatch);
  }

  @Test
  void totalIsALowerBoundBeyondTheThreshold() throws IOException {
    open();
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < EventIndex.TOTAL_HITS_THRESHOLD + 500; i++) {
      Instant at = t("2026-11-21T08:00:00Z").plusSeconds(i);
      batch.add(events.failedPassword(at, at, "root", "203.0.113.7", 1));
    }
    addAndRefresh(batch);
    SearchPage p = index.search(SearchRequest.of("root"));
    assertThat(p.total()).isGreaterThanOrEqualTo(EventIndex.TOTAL_HITS_THRESHOLD);
    if (p.totalExact()) {
      assertThat(p.total()).isEqualTo(EventIndex.TOTAL_HITS_THRESHOLD + 500);
    }
    SearchPage narrow = index.search(new SearchRequest("root", t("2026-11-21T08:00:00Z"), t("2026-11-21T08:01:00Z"), 10, null));
    assertThat(narrow.total()).isEqualTo(60);
    assertThat(narrow.totalExact()).isTrue();
    assertThat(Files.exists(dir.resolve("2026-11-21"))).isTrue();
  }
}
