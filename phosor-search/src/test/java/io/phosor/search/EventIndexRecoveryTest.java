package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once indexing from the journal: after a crash at any point, re-adding the journal from
 * {@link EventIndex#resumeSeq()} (or from earlier) leaves every event in the index exactly once.
 */
class EventIndexRecoveryTest {
  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T12:00:00Z"));
  /** Stands in for the journal: every event ever written, by seq. */
  private final List<Event> journal = new ArrayList<>();
  private final TestEvents events = new TestEvents();
  private EventIndex index;

  @AfterEach
  void close() throws IOException {
    if (index != null) {
      index.close();
    }
  }

  private EventIndex open(Path where) throws IOException {
    index = EventIndex.open(where, IndexSettings.defaults(), clock);
    return index;
  }

  /** Appends {@code n} events to the journal, ingested one second apart from {@code firstIngested}. */
  private List<Event> write(int n, Instant firstIngested) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant at = firstIngested.plusSeconds(i);
      Event e = i % 4 == 3
          ? events.web(at.minusMillis(300), at, "web01", "198.51.100." + i % 9, "POST", "/login", 401, 120)
          : events.failedPassword(at.minusMillis(300), at, i % 2 == 0 ? "root" : "admin", "203.0.113." + i % 17, 30000 + i);
      out.add(e);
      journal.add(e);
    }
    return out;
  }

  /** What the server does after a restart: read the journal from resumeSeq() and add it in batches. */
  private void replayFrom(long seq) throws IOException {
    List<Event> tail = journal.stream().filter(e -> e.seq() >= seq).toList();
    for (int i = 0; i < tail.size(); i += 37) {
      index.add(tail.subList(i, Math.min(tail.size(), i + 37)));
    }
    index.commit();
    index.refresh();
  }

  /** Asserts every journaled event is in the index exactly once. */
  private void assertEachEventIndexedOnce() {
    List<Long> ids = new ArrayList<>();
    SearchRequest r = new SearchRequest("", null, null, 1000, null);
    while (true) {
      SearchPage p = index.search(r);
      p.events().forEach(e -> ids.add((Long) e.get("event.id")));
      if (p.nextCursor() == null) {
        break;
      }
      r = r.after(p.nextCursor());
    }
    Map<Long, Long> counts = ids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(counts.values()).as("no event twice").allMatch(c -> c == 1);
    assertThat(counts.keySet()).as("no event missing").containsExactlyInAnyOrderElementsOf(
        journal.stream().map(Event::seq).toList());
    assertThat(index.stats().docs()).isEqualTo(journal.size());
    for (Event e : List.of(journal.get(0), journal.get(journal.size() - 1))) {
      assertThat(index.get(e.seq())).isPresent();
    }
  }

  @Test
  void eventsAddedButNotCommittedBeforeACrashAreIndexedOnceOnReplay() throws IOException {
    open(dir);
    index.add(write(100, Instant.parse("2026-11-21T08:00:00Z")));
    index.commit();
    index.add(write(50, Instant.parse("2026-11-21T09:00:00Z")));
    index.refresh(); // searchable, flushed to segments, but not committed
    assertThat(index.search(SearchRequest.of("")).total()).isEqualTo(150);
    index.abandon(); // the process dies

    open(dir);
    assertThat(index.resumeSeq()).isEqualTo(100);
    replayFrom(index.resumeSeq());
    assertEachEventIndexedOnce();
    assertThat(index.stats().skippedDuplicate()).isZero();
  }

  @Test
  void replayingFromBeforeTheDurablePositionSkipsWhatIsAlreadyIndexed() throws IOException {
    open(dir);
    index.add(write(120, Instant.parse("2026-11-21T08:00:00Z")));
    index.close();

    open(dir);
    assertThat(index.resumeSeq()).isEqualTo(120);
    write(30, Instant.parse("2026-11-21T09:00:00Z"));
    replayFrom(0); // a server that plays safe and re-reads the whole journal
    assertEachEventIndexedOnce();
    assertThat(index.stats().skippedDuplicate()).isEqualTo(120);
    assertThat(index.resumeSeq()).isEqualTo(150);
  }

  @Test
  void aCrashBetweenTwoPartitionCommitsLosesAndDuplicatesNothing() throws IOException {
    open(dir);
    index.add(write(40, Instant.parse("2026-11-20T23:00:00Z")));
    index.commit();
    // one batch that crosses midnight: two partitions to commit in the same round
    index.add(write(60, Instant.parse("2026-11-20T23:59:30Z")));
    index.afterPartitionCommit = day -> {
      if (day.equals(LocalDate.parse("2026-11-20"))) {
        throw new SimulatedCrash();
      }
    };
    assertThatThrownBy(index::commit).isInstanceOf(SimulatedCrash.class);
    index.abandon();

    open(dir);
    assertThat(index.resumeSeq()).as("index.position was not rewritten").isEqualTo(40);
    replayFrom(index.resumeSeq());
    assertEachEventIndexedOnce();
    assertThat(index.stats().skippedDuplicate()).as("the 20th's 30 events were durable already").isEqualTo(30);
    assertThat(index.stats().partitions()).extracting(IndexStats.Partition::docs).containsExactly(70L, 30L);
  }

  @Test
  void aCrashAfterEveryPartitionCommittedButBeforeThePositionFileSkipsTheWholeReplay() throws IOException {
    open(dir);
    index.add(write(25, Instant.parse("2026-11-20T23:59:50Z")));
    index.afterPartitionCommit = day -> {
      if (day.equals(LocalDate.parse("2026-11-21"))) {
        throw new SimulatedCrash();
      }
    };
    assertThatThrownBy(index::commit).isInstanceOf(SimulatedCrash.class);
    index.abandon();

    open(dir);
    assertThat(index.resumeSeq()).isZero();
    replayFrom(index.resumeSeq());
    assertEachEventIndexedOnce();
    assertThat(index.stats().skippedDuplicate()).isEqualTo(25);
    assertThat(index.resumeSeq()).isEqualTo(25);
  }

  @Test
  void aCopyOfTheDirectoryTakenWhileIndexingRecoversLikeACrash() throws IOException {
    open(dir);
    index.add(write(200, Instant.parse("2026-11-21T06:00:00Z")));
    index.commit();
    index.add(write(80, Instant.parse("2026-11-21T07:00:00Z")));
    index.refresh(); // uncommitted segments on disk
    Path copy = Files.createDirectory(dir.resolveSibling(dir.getFileName() + "-copy"));
    copyTree(dir, copy); // what a power cut would leave on disk
    index.close();

    open(copy);
    assertThat(index.resumeSeq()).isEqualTo(200);
    replayFrom(index.resumeSeq());
    assertEachEventIndexedOnce();
  }

  @Test
  void aLostPositionFileResumesFromWhatThePartitionsRecorded() throws IOException {
    open(dir);
    index.add(write(50, Instant.parse("2026-11-20T23:59:40Z")));
    index.commit();
    index.add(write(50, Instant.parse("2026-11-21T01:00:00Z")));
    index.close();
    Files.delete(dir.resolve(PositionFile.NAME));

    open(dir);
    // the partitions recorded the position durable before their last commit: a safe, earlier place
    assertThat(index.resumeSeq()).isBetween(0L, 100L);
    replayFrom(index.resumeSeq());
    assertEachEventIndexedOnce();
  }

  @Test
  void fieldKindsSeenBeforeARestartStillShapeQueries() throws IOException {
    open(dir);
    Instant at = Instant.parse("2026-11-21T08:00:00Z");
    Event slow = events.json(at, Map.of("message", "slow request", "latency_ms", 100));
    Event fast = events.json(at, Map.of("message", "fast request", "latency_ms", 9));
    journal.add(slow);
    journal.add(fast);
    index.add(List.of(slow, fast));
    index.close();

    open(dir);
    // numerically 9 < 50 < 100; as keywords "9" > "50" would match too
    SearchPage p = index.search(SearchRequest.of("latency_ms:>50"));
    assertThat(p.events()).extracting(e -> e.get("event.id")).containsExactly(slow.seq());
  }

  @Test
  void aWriteFailureStopsFurtherWritesUntilTheIndexIsReopened() throws IOException {
    open(dir);
    index.add(write(10, Instant.parse("2026-11-21T08:00:00Z")));
    index.afterPartitionCommit = day -> {
      throw new UncheckedIOException(new IOException("disk full"));
    };
    assertThatThrownBy(index::commit).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> index.add(write(1, Instant.parse("2026-11-21T08:10:00Z"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("close and reopen");
    index.abandon();

    open(dir);
    replayFrom(index.resumeSeq());
    assertEachEventIndexedOnce();
  }

  private static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash() {
      super("simulated crash");
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (!f.getFileName().toString().endsWith(".lock")) {
          try {
            Files.copy(f, target);
          } catch (NoSuchFileException merged) {
            // a merge deleted it while we copied: it is not part of any commit we need
          }
        }
      }
    }
  }
}
