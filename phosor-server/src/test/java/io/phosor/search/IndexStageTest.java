package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexStageTest {
  @TempDir
  Path dir;

  private static List<Event> journaled(Journal journal, int n) throws Exception {
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Event e = new Event("test", null, Instant.now(), "line " + i);
      e.put("message", "line " + i);
      journal.append(e);
      batch.add(e);
    }
    journal.sync();
    return batch;
  }

  private static long count(EventIndex index) {
    return index.search(new SearchRequest("*", null, null, 1000, null)).events().size();
  }

  @Test
  void whileDetectionIsBehindIndexingWaitsThenIndexesEverythingExactlyOnceFromTheJournal() throws Exception {
    try (Journal journal = Journal.open(dir.resolve("journal"), 1 << 20)) {
      EventIndex index = EventIndex.open(dir.resolve("index"), IndexSettings.defaults(), Clock.systemUTC());
      IndexStage stage = new IndexStage(index, journal.dir(), journal.lastSyncedSeq(), 1000, new SimpleMeterRegistry(),
          Clock.systemUTC());
      AtomicBoolean busy = new AtomicBoolean(true);
      stage.yieldWhile(busy::get);
      stage.start();
      stage.accept(journaled(journal, 50));
      stage.accept(journaled(journal, 50));
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> stage.lastAdded() == 0);
      assertThat(stage.lagEvents()).isEqualTo(100);
      busy.set(false);
      stage.accept(journaled(journal, 50));
      await().atMost(Duration.ofSeconds(10)).until(() -> stage.lastAdded() == 150);
      index.refresh();
      await().atMost(Duration.ofSeconds(10)).until(() -> count(index) == 150);
      stage.close(Duration.ofSeconds(5));
    }
  }
}
