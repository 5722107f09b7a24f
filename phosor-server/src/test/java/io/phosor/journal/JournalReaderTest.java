package io.phosor.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JournalReader}: follows the journal across segments from any cursor, never past what is durable. */
class JournalReaderTest {
  @TempDir
  Path dir;

  private static Event event(int i) {
    Event e = new Event("webhook:t", "10.0.0.1", Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), "line " + i);
    e.put("message", "line " + i).put("n", i);
    return e;
  }

  private static List<Long> seqs(List<Event> events) {
    return events.stream().map(Event::seq).toList();
  }

  @Test
  void readsEveryEventOnceInOrderAcrossSegmentsWhileTheWriterAppends() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (Journal j = Journal.open(dir, 4096); JournalReader r = new JournalReader(dir, 1)) {
      List<Long> got = new ArrayList<>();
      int written = 0;
      while (written < 600) {
        int n = 1 + random.nextInt(40);
        for (int i = 0; i < n; i++) {
          j.append(event(++written));
        }
        j.sync();
        got.addAll(seqs(r.read(j.lastSyncedSeq(), 1 + random.nextInt(50))));
      }
      while (got.size() < written) {
        List<Event> more = r.read(j.lastSyncedSeq(), 100);
        assertThat(more).as("seed %d", seed).isNotEmpty();
        got.addAll(seqs(more));
      }
      assertThat(Journal.segments(dir).size()).as("several segments").isGreaterThan(5);
      assertThat(got).as("seed %d", seed).hasSize(written).isSorted().doesNotHaveDuplicates();
      assertThat(got.get(0)).isEqualTo(1);
      assertThat(r.read(j.lastSyncedSeq(), 100)).isEmpty();
    }
  }

  @Test
  void startsAtACursorInALaterSegmentAndDecodesTheEvents() throws Exception {
    try (Journal j = Journal.open(dir, 4096)) {
      for (int i = 1; i <= 300; i++) {
        j.append(event(i));
      }
      j.sync();
    }
    try (JournalReader r = new JournalReader(dir, 250)) {
      List<Event> got = r.read(Long.MAX_VALUE, 10);
      assertThat(seqs(got)).containsExactly(250L, 251L, 252L, 253L, 254L, 255L, 256L, 257L, 258L, 259L);
      assertThat(got.get(0).get("n")).isEqualTo(250);
      assertThat(got.get(0).original()).isEqualTo("line 250");
      assertThat(r.nextSeq()).isEqualTo(260);
    }
  }

  @Test
  void neverReadsPastTheDurableSequenceOrATornTail() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20)) {
      for (int i = 1; i <= 5; i++) {
        j.append(event(i));
      }
      j.sync();
    }
    try (JournalReader r = new JournalReader(dir, 1)) {
      assertThat(seqs(r.read(3, 100))).containsExactly(1L, 2L, 3L);
      // a record being written: only its first bytes are on disk
      Path seg = Journal.segments(dir).get(0);
      try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {100, 0, 0, 0, 1, 2}));
      }
      assertThat(seqs(r.read(Long.MAX_VALUE, 100))).containsExactly(4L, 5L);
      assertThat(r.read(Long.MAX_VALUE, 100)).isEmpty();
      assertThat(r.nextSeq()).isEqualTo(6);
    }
  }

  @Test
  void aCursorBeyondTheEndWaitsUntilTheEventIsWritten() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20); JournalReader r = new JournalReader(dir, 4)) {
      j.append(event(1));
      j.sync();
      assertThat(r.read(j.lastSyncedSeq(), 10)).isEmpty();
      for (int i = 2; i <= 5; i++) {
        j.append(event(i));
      }
      j.sync();
      assertThat(seqs(r.read(j.lastSyncedSeq(), 10))).containsExactly(4L, 5L);
    }
    assertThat(Files.exists(dir)).isTrue();
  }
}
