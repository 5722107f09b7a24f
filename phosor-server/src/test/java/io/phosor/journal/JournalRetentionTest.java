package io.phosor.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal retention over a real journal on disk: what goes, what stays, and that readers go on afterwards. */
class JournalRetentionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir
  Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static Event event(int i) {
    Event e = new Event("syslog", "10.0.0.1", Instant.parse("2026-06-01T00:00:00Z").plusSeconds(i), "line " + i);
    e.put("message", "line " + i + " " + "x".repeat(200));
    return e;
  }

  /** Writes {@code n} events, syncing every 10, into segments of about 10 events each; returns the segment files. */
  private List<Path> write(int n) throws Exception {
    try (Journal j = Journal.open(dir, 2_000)) {
      for (int i = 1; i <= n; i++) {
        j.append(event(i));
        if (i % 10 == 0) {
          j.sync();
        }
      }
    }
    return Journal.segments(dir);
  }

  /** Sets every segment's last write to {@code age} before NOW. */
  private void age(List<Path> segs, Duration age) throws Exception {
    for (Path p : segs) {
      Files.setLastModifiedTime(p, FileTime.from(NOW.minus(age)));
    }
  }

  private static List<Long> bases(Path dir) throws Exception {
    List<Long> out = new ArrayList<>();
    for (Path p : Journal.segments(dir)) {
      out.add(Journal.baseOf(p));
    }
    return out;
  }

  @Test
  void oldSegmentsEveryConsumerIsPastAreDeletedOldestFirstAndTheLastNeverIs() throws Exception {
    List<Path> segs = write(60);
    assertThat(segs).hasSizeGreaterThanOrEqualTo(5);
    age(segs, Duration.ofHours(30));
    JournalRetention r = new JournalRetention(dir, new JournalRetention.Policy(Duration.ofHours(24), 0), registry, CLOCK);
    r.hold("detection", () -> Long.MAX_VALUE);
    JournalRetention.Result res = r.run();

    assertThat(res.deleted()).isEqualTo(segs.size() - 1);
    assertThat(res.heldBy()).isNull();
    assertThat(Journal.segments(dir)).containsExactly(segs.get(segs.size() - 1));
    assertThat(registry.get("phosor.journal.segments.deleted").counter().count()).isEqualTo(segs.size() - 1);
    assertThat(registry.get("phosor.journal.segments").gauge().value()).isEqualTo(1);
    assertThat(registry.get("phosor.journal.bytes").gauge().value()).isEqualTo(Files.size(segs.get(segs.size() - 1)));

    // the journal reopens where it was: numbering goes on, nothing is re-used
    try (Journal j = Journal.open(dir, 2_000)) {
      assertThat(j.lastSyncedSeq()).isEqualTo(60);
      assertThat(j.append(event(61))).isEqualTo(61);
    }
  }

  @Test
  void aSegmentAConsumerStillNeedsStaysWhateverItsAge() throws Exception {
    List<Path> segs = write(60);
    age(segs, Duration.ofDays(30));
    long secondBase = Journal.baseOf(segs.get(1));
    long thirdBase = Journal.baseOf(segs.get(2));
    AtomicLong detection = new AtomicLong(thirdBase - 1); // still needs the last event of the second segment
    JournalRetention r = new JournalRetention(dir, new JournalRetention.Policy(Duration.ofHours(1), 0), registry, CLOCK);
    r.hold("detection", detection::get);
    r.hold("search index", () -> Long.MAX_VALUE);
    JournalRetention.Result res = r.run();

    assertThat(res.deleted()).isEqualTo(1);
    assertThat(res.heldBy()).isEqualTo("detection");
    assertThat(bases(dir)).first().isEqualTo(secondBase);
    assertThat(r.holds()).containsEntry("detection", thirdBase - 1).containsEntry("search index", Long.MAX_VALUE);

    detection.set(thirdBase); // now past the second segment
    assertThat(r.run().deleted()).isEqualTo(1);
    assertThat(bases(dir)).first().isEqualTo(thirdBase);
  }

  @Test
  void youngSegmentsStayUntilTheJournalIsOverItsSizeLimit() throws Exception {
    List<Path> segs = write(60);
    age(segs, Duration.ofMinutes(5));
    long total = 0;
    for (Path p : segs) {
      total += Files.size(p);
    }
    JournalRetention young = new JournalRetention(dir, new JournalRetention.Policy(Duration.ofHours(24), 0), registry,
        CLOCK);
    assertThat(young.run().deleted()).isZero();

    long limit = total - Files.size(segs.get(0)) - Files.size(segs.get(1)) + 1; // two segments must go
    JournalRetention capped = new JournalRetention(dir, new JournalRetention.Policy(Duration.ofHours(24), limit),
        new SimpleMeterRegistry(), CLOCK);
    JournalRetention.Result res = capped.run();
    assertThat(res.deleted()).isEqualTo(2);
    assertThat(res.bytes()).isLessThanOrEqualTo(limit);
    assertThat(bases(dir)).first().isEqualTo(Journal.baseOf(segs.get(2)));
  }

  @Test
  void theSizeLimitDoesNotOverrideAConsumer() throws Exception {
    List<Path> segs = write(60);
    age(segs, Duration.ofMinutes(5));
    JournalRetention r = new JournalRetention(dir, new JournalRetention.Policy(Duration.ofHours(24), 1), registry, CLOCK);
    r.hold("forwarding", () -> 1);
    JournalRetention.Result res = r.run();
    assertThat(res.deleted()).isZero();
    assertThat(res.heldBy()).isEqualTo("forwarding");
    assertThat(Journal.segments(dir)).hasSameSizeAs(segs);
  }

  @Test
  void readersGoOnWithWhatIsLeftAfterSegmentsAreDeleted() throws Exception {
    List<Path> segs = write(60);
    age(segs, Duration.ofDays(2));
    long keepFrom = Journal.baseOf(segs.get(2));
    JournalRetention r = new JournalRetention(dir, new JournalRetention.Policy(Duration.ofHours(24), 0), registry, CLOCK);
    r.hold("forwarding", () -> keepFrom);
    r.run();

    List<Long> read = new ArrayList<>();
    Journal.read(dir, 1, e -> read.add(e.seq()));
    assertThat(read).first().isEqualTo(keepFrom);
    assertThat(read).last().isEqualTo(60L);
    assertThat(read).hasSize((int) (60 - keepFrom + 1));

    // a follower positioned before the oldest segment left starts at it instead of waiting forever
    try (JournalReader reader = new JournalReader(dir, 1)) {
      List<Event> batch = reader.read(60, 1000);
      assertThat(batch).extracting(Event::seq).first().isEqualTo(keepFrom);
      assertThat(batch).hasSize((int) (60 - keepFrom + 1));
    }
    // and one positioned inside what is left reads exactly from there
    try (JournalReader reader = new JournalReader(dir, keepFrom + 3)) {
      assertThat(reader.read(60, 2)).extracting(Event::seq).containsExactly(keepFrom + 3, keepFrom + 4);
    }
  }

  @Test
  void thePolicyRejectsNegativeBounds() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JournalRetention.Policy(Duration.ofHours(-1), 0))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JournalRetention.Policy(Duration.ZERO, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
