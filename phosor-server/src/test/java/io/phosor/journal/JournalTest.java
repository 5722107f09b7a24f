package io.phosor.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir
  Path dir;

  private static Event event(int i) {
    Event e = new Event("webhook:t", "10.0.0." + (i % 250), Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
        "line " + i);
    e.put("message", "line " + i).put("n", i).put("nested", Map.of("a", List.of(1, 2)));
    return e;
  }

  @Test
  void eventsRoundTripWithTheirSequenceNumbers() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20)) {
      for (int i = 0; i < 10; i++) {
        assertThat(j.append(event(i))).isEqualTo(i + 1);
      }
      j.sync();
      assertThat(j.lastSyncedSeq()).isEqualTo(10);
    }
    List<Event> all = Journal.readAll(dir);
    assertThat(all).hasSize(10);
    Event e = all.get(3);
    assertThat(e.seq()).isEqualTo(4);
    assertThat(e.source()).isEqualTo("webhook:t");
    assertThat(e.sourceAddress()).isEqualTo("10.0.0.3");
    assertThat(e.original()).isEqualTo("line 3");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-01-01T00:00:03Z"));
    assertThat(e.get("n")).isEqualTo(3);
    assertThat(e.get("nested")).isEqualTo(Map.of("a", List.of(1, 2)));
  }

  @Test
  void rollbackForgetsAnUnsyncedBatchAndHandsTheSameIdsOutAgain() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20)) {
      j.append(event(1));
      j.sync();
      j.append(event(2));
      j.append(event(3));
      j.rollback();
      assertThat(j.lastSyncedSeq()).isEqualTo(1);
      assertThat(j.append(event(2))).isEqualTo(2);
      j.sync();
    }
    assertThat(Journal.readAll(dir)).extracting(Event::seq).containsExactly(1L, 2L);
    assertThat(Journal.readAll(dir)).extracting(e -> e.getString("message")).containsExactly("line 1", "line 2");
  }

  @Test
  void reopeningContinuesTheSequence() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20)) {
      j.append(event(1));
      j.append(event(2));
    }
    try (Journal j = Journal.open(dir, 1 << 20)) {
      assertThat(j.lastSyncedSeq()).isEqualTo(2);
      assertThat(j.append(event(3))).isEqualTo(3);
    }
    assertThat(Journal.readAll(dir)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aTornTailFromACrashIsCutOffOnOpen() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20)) {
      for (int i = 0; i < 5; i++) {
        j.append(event(i));
      }
    }
    Path seg = Journal.segments(dir).get(0);
    long size = Files.size(seg);
    // A crash mid-write: half of a record's bytes made it to disk.
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(size - 7);
    }
    try (Journal j = Journal.open(dir, 1 << 20)) {
      assertThat(j.lastSyncedSeq()).isEqualTo(4);
      assertThat(j.append(event(99))).isEqualTo(5);
    }
    assertThat(Journal.readAll(dir)).extracting(Event::original)
        .containsExactly("line 0", "line 1", "line 2", "line 3", "line 99");
  }

  @Test
  void aCorruptRecordEndsTheValidPrefix() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20)) {
      for (int i = 0; i < 3; i++) {
        j.append(event(i));
      }
    }
    Path seg = Journal.segments(dir).get(0);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(f.length() - 3);
      f.write('X');
    }
    assertThat(Journal.readAll(dir)).hasSize(2);
    try (Journal j = Journal.open(dir, 1 << 20)) {
      assertThat(j.lastSyncedSeq()).isEqualTo(2);
    }
  }

  @Test
  void segmentsRollAndReadingFromASequenceSkipsEarlierOnes() throws Exception {
    try (Journal j = Journal.open(dir, 4096)) {
      for (int i = 0; i < 200; i++) {
        j.append(event(i));
        if (i % 10 == 9) {
          j.sync();
        }
      }
    }
    assertThat(Journal.segments(dir).size()).isGreaterThan(3);
    List<Long> seqs = new java.util.ArrayList<>();
    Journal.read(dir, 150, e -> seqs.add(e.seq()));
    assertThat(seqs).hasSize(51).first().isEqualTo(150L);
    assertThat(seqs.get(50)).isEqualTo(200L);
    assertThat(Journal.readAll(dir)).extracting(Event::seq).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
  }

  @Test
  void parseFailuresKeepTheirReason() throws Exception {
    try (Journal j = Journal.open(dir, 1 << 20)) {
      Event e = new Event("syslog", "1.2.3.4", Instant.EPOCH, "<999>garbage");
      e.parseError("PRI out of range");
      j.append(e);
    }
    Event back = Journal.readAll(dir).get(0);
    assertThat(back.parseFailed()).isTrue();
    assertThat(back.parseError()).isEqualTo("PRI out of range");
    assertThat(back.original()).isEqualTo("<999>garbage");
  }
}
