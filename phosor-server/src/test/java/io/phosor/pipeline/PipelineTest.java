package io.phosor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import io.phosor.parse.EventParser;
import io.phosor.redact.Redactor;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  @TempDir
  Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SourceStats stats = new SourceStats(registry);

  private Pipeline pipeline(Journal journal, int capacity) {
    PhosorConfig config = ConfigLoader.load(null, Map.of("PHOSOR_QUEUE_CAPACITY", Integer.toString(capacity)));
    return new Pipeline(config, new EventParser(Clock.systemUTC()), new Redactor(Redactor.defaults()), journal, stats,
        registry, Clock.systemUTC());
  }

  @Test
  void shutdownDrainsEverythingQueuedIntoTheJournal() throws Exception {
    Journal journal = Journal.open(dir, 1 << 20);
    Pipeline p = pipeline(journal, 10_000);
    SourceCounters c = stats.source("syslog", "syslog:10.0.0.1");
    // Queue before starting, so everything is still waiting when shutdown begins.
    for (int i = 0; i < 5_000; i++) {
      assertThat(p.offer(Inbound.text("syslog", "10.0.0.1", c, "<13>Nov 21 10:00:00 h app: n=" + i, Instant.now()))).isTrue();
    }
    p.start();
    p.shutdown(Duration.ofSeconds(30));
    assertThat(p.offer(Inbound.text("syslog", "10.0.0.1", c, "late", Instant.now()))).isFalse();
    List<Event> all = Journal.readAll(dir);
    assertThat(all).hasSize(5_000);
    assertThat(all.get(4_999).original()).endsWith("n=4999");
  }

  @Test
  void sinksSeeJournaledEventsInArrivalOrderWithIds() throws Exception {
    Journal journal = Journal.open(dir, 1 << 20);
    Pipeline p = pipeline(journal, 10_000);
    List<Event> seen = Collections.synchronizedList(new ArrayList<>());
    p.addSink(seen::addAll);
    p.start();
    SourceCounters c = stats.source("webhook", "webhook:t");
    Ack ack = p.submit(List.of(
        Inbound.object("webhook:t", "127.0.0.1", c, Map.of("message", "one"), "{\"message\":\"one\"}", Instant.now(), null),
        Inbound.text("webhook:t", "127.0.0.1", c, "two", Instant.now())));
    assertThat(ack.future().get()).isEqualTo(2L);
    await().until(() -> seen.size() == 2);
    assertThat(seen).extracting(Event::seq).containsExactly(1L, 2L);
    assertThat(seen).extracting(e -> e.getString("message")).containsExactly("one", "two");
    p.shutdown(Duration.ofSeconds(5));
  }

  @Test
  void parseFailuresAreKeptWithTheirRawTextAndCounted() throws Exception {
    Journal journal = Journal.open(dir, 1 << 20);
    Pipeline p = pipeline(journal, 100);
    p.start();
    SourceCounters c = stats.source("syslog", "syslog:10.0.0.2");
    Ack ack = p.submit(List.of(Inbound.text("syslog", "10.0.0.2", c, "<999>not a valid priority", Instant.now()),
        Inbound.text("syslog", "10.0.0.2", c, "<13>Nov 21 10:00:00 h app: fine", Instant.now())));
    ack.future().get();
    p.shutdown(Duration.ofSeconds(5));
    List<Event> all = Journal.readAll(dir);
    assertThat(all).hasSize(2);
    assertThat(all.get(0).parseFailed()).isTrue();
    assertThat(all.get(0).original()).isEqualTo("<999>not a valid priority");
    assertThat(c.parseFailureCount()).isEqualTo(1);
    assertThat(c.parsedCount()).isEqualTo(1);
  }

  @Test
  void secretsAreRedactedBeforeTheJournalAndCountedPerSource() throws Exception {
    Journal journal = Journal.open(dir, 1 << 20);
    Pipeline p = pipeline(journal, 100);
    p.start();
    SourceCounters c = stats.source("syslog", "syslog:10.0.0.3");
    p.submit(List.of(Inbound.text("syslog", "10.0.0.3", c,
        "<38>Nov 21 10:00:00 host app: User password=secret123 SSN 123-45-6789", Instant.now()))).future().get();
    p.shutdown(Duration.ofSeconds(5));
    Event e = Journal.readAll(dir).get(0);
    assertThat(e.original()).doesNotContain("secret123").doesNotContain("123-45-6789").contains("[SSN-REDACTED]");
    assertThat(e.getString("message")).doesNotContain("secret123");
    assertThat(e.get("parsed.pii_redacted")).isEqualTo(true);
    assertThat(c.piiCount()).isEqualTo(2);
    assertThat(c.piiByKind()).containsEntry("ssn", 1L).containsEntry("password", 1L);
  }

  @Test
  void offerRefusesWhenTheQueueIsFull() throws Exception {
    Journal journal = Journal.open(dir, 1 << 20);
    Pipeline p = pipeline(journal, 16);
    SourceCounters c = stats.source("syslog", "syslog:10.0.0.4");
    for (int i = 0; i < 16; i++) {
      assertThat(p.offer(Inbound.text("syslog", "10.0.0.4", c, "m", Instant.now()))).isTrue();
    }
    assertThat(p.offer(Inbound.text("syslog", "10.0.0.4", c, "m", Instant.now()))).isFalse();
    assertThat(p.submit(List.of(Inbound.text("syslog", "10.0.0.4", c, "m", Instant.now())))).isNull();
    assertThat(p.depth()).isEqualTo(16);
    journal.close();
  }
}
