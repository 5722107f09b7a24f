package io.phosor.ingest.file;

import static io.phosor.ingest.file.TailerRig.append;
import static io.phosor.ingest.file.TailerRig.appendLines;
import static io.phosor.ingest.file.TailerRig.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailerTest {
  @TempDir Path tmp;
  TailerRig rig;

  @AfterEach
  void tearDown() {
    if (rig != null && rig.tailer != null) {
      rig.stop();
    }
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50));
  }

  private long savedOffset(Path file) throws IOException {
    return new Positions(rig.dataDir).load().files().stream().filter(e -> e.path().equals(file.toString()))
        .findFirst().orElseThrow().offset();
  }

  @Test
  void appendedLinesArriveInOrderWithTheirPathAndOffset() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    append(f, "first\nsecond\n");
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("first", "second"));
    append(f, "third\r\n");
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("first", "second", "third"));

    List<Event> events = rig.events(f);
    assertThat(events).extracting(e -> e.get(Fields.LOG_FILE_PATH)).containsOnly(f.toString());
    assertThat(events).extracting(e -> ((Number) e.get(Fields.LOG_OFFSET)).longValue()).containsExactly(6L, 13L, 20L);
    assertThat(events).extracting(Event::source).containsOnly("file:" + f);
    eventually().untilAsserted(() -> assertThat(savedOffset(f)).isEqualTo(20));
    assertThat(rig.tailer.list()).singleElement().satisfies(t -> {
      assertThat(t.path()).isEqualTo(f.toString());
      assertThat(t.source()).isEqualTo("file:" + f);
      assertThat(t.offset()).isEqualTo(20);
      assertThat(t.lines()).isEqualTo(3);
      assertThat(t.status()).isEqualTo("following");
    });
    assertThat(rig.stats.source("file", "file:" + f).receivedCount()).isEqualTo(3);
  }

  @Test
  void aPartialLineWaitsForItsNewline() {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    append(f, "complete\npart");
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("complete"));
    // several polls later the partial line is still not emitted
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 1);
    append(f, "ial\n");
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("complete", "partial"));
  }

  @Test
  void addingTheSameFileTwiceIsIdempotent() {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    append(f, "once\n");
    rig.tailer.add(f.toString());
    rig.tailer.add(f.toString());
    rig.tailer.add(rig.logs.resolve("sub/../app.log").toString());
    assertThat(rig.tailer.list()).hasSize(1);
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("once"));
    eventually().during(Duration.ofMillis(500)).until(() -> rig.journaled(f).size() == 1);
  }

  @Test
  void aFileThatDoesNotExistYetIsFollowedOnceItAppears() {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("later.log");
    TailedFile added = rig.tailer.add(f.toString());
    assertThat(added.path()).isEqualTo(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.tailer.list().get(0).status()).isEqualTo("waiting"));
    append(f, "hello\n");
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("hello"));
  }

  @Test
  void aRemovedFileIsNoLongerRead() {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    append(f, "a\n");
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("a"));
    assertThat(rig.tailer.remove(f.toString())).isTrue();
    assertThat(rig.tailer.remove(f.toString())).isFalse();
    append(f, "b\n");
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 1);
    assertThat(rig.tailer.list()).isEmpty();
  }

  @Test
  void readdingARemovedFileResumesAfterTheLastJournaledLine() {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 3);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(3));
    rig.tailer.remove(f.toString());
    appendLines(f, "l", 3, 5);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 5)));
    eventually().during(Duration.ofMillis(500)).until(() -> rig.journaled(f).size() == 5);
  }

  @Test
  void etcShadowIsRefusedWith403() {
    rig = new TailerRig(tmp).start();
    assertThatThrownBy(() -> rig.tailer.add("/etc/shadow")).isInstanceOfSatisfying(FileAccessException.class, e -> {
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.getMessage()).contains("/etc/shadow is outside the allowed directories")
          .contains("PHOSOR_FILE_ALLOWED_DIRS=" + rig.logs);
    });
    assertThat(rig.tailer.list()).isEmpty();
  }

  @Test
  void aSymlinkInAnAllowedDirectoryPointingOutsideIsRefusedWith403() throws IOException {
    rig = new TailerRig(tmp).start();
    Path link = rig.log("shadow.log");
    Files.createSymbolicLink(link, Path.of("/etc/shadow"));
    assertThatThrownBy(() -> rig.tailer.add(link.toString()))
        .isInstanceOfSatisfying(FileAccessException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void aFileSwappedForAnEscapingSymlinkAfterItWasAddedIsNotRead() throws IOException {
    rig = new TailerRig(tmp).start();
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "top secret\n");
    Path f = rig.log("app.log");
    append(f, "ok\n");
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactly("ok"));
    Files.delete(f);
    Files.createSymbolicLink(f, secret);
    eventually().untilAsserted(() -> assertThat(rig.tailer.list().get(0).status()).contains("outside the allowed"));
    assertThat(rig.journaled(f)).containsExactly("ok");
  }

  @Test
  void aRelativePathIsRefusedWith400() {
    rig = new TailerRig(tmp).start();
    assertThatThrownBy(() -> rig.tailer.add("logs/app.log"))
        .isInstanceOfSatisfying(FileAccessException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("must be absolute");
        });
  }

  @Test
  void rotationByRenameLosesNothingAndRepeatsNothing() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 3);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(3));
    appendLines(f, "l", 3, 5); // written just before the rotation, not read yet
    Files.move(f, rig.log("app.log.1"));
    appendLines(rig.log("app.log.1"), "l", 5, 6); // the writer has not reopened yet
    appendLines(f, "l", 6, 9);
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 9)));
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 9);
    assertThat(rig.tailer.list().get(0).rotations()).isEqualTo(1);
    appendLines(f, "l", 9, 10);
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 10)));
  }

  @Test
  void copyTruncateLosesNothingAndRepeatsNothing() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "line-", 0, 5);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(5));
    Files.copy(f, rig.log("app.log.1"));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    appendLines(f, "n", 5, 7);
    eventually().untilAsserted(() -> assertThat(rig.journaled(f))
        .containsExactlyElementsOf(concat(lines("line-", 0, 5), lines("n", 5, 7))));
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 7);
    assertThat(rig.tailer.list().get(0).rotations()).isEqualTo(1);
  }

  @Test
  void aTruncatedFileThatRegrewPastTheOffsetBeforeThePollIsStillReadFromTheStart() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    append(f, "a\nb\n");
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(2));
    // truncated and rewritten longer in one write, before the tailer could see the file shrink
    Files.writeString(f, "a much longer first line\nsecond\n", StandardOpenOption.TRUNCATE_EXISTING);
    eventually().untilAsserted(() -> assertThat(rig.journaled(f))
        .containsExactly("a", "b", "a much longer first line", "second"));
  }

  @Test
  void aRestartResumesWithEveryLineExactlyOnce() {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 4);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(4));
    rig.stop();
    appendLines(f, "l", 4, 8);
    rig.start();
    assertThat(rig.tailer.list()).extracting(TailedFile::path).containsExactly(f.toString());
    appendLines(f, "l", 8, 10);
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 10)));
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 10);
  }

  @Test
  void aCrashBetweenTheJournalAndThePositionsFileIsRecoveredFromTheJournal() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 3);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(savedOffset(f)).isEqualTo(Files.size(f)));
    Path old = tmp.resolve("positions-old.json");
    Files.copy(rig.dataDir.resolve(Positions.FILE_NAME), old);
    appendLines(f, "l", 3, 7);
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(7));
    rig.stop();
    // As if the process died after the journal sync but before the positions file was written.
    Files.copy(old, rig.dataDir.resolve(Positions.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    assertThat(savedOffset(f)).isLessThan(Files.size(f));
    appendLines(f, "l", 7, 9);
    rig.start();
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 9)));
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 9);
    eventually().untilAsserted(() -> assertThat(savedOffset(f)).isEqualTo(Files.size(f)));
  }

  @Test
  void aLostPositionsFileAndReaddedFileRepeatsNothing() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 3);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(3));
    rig.stop();
    Files.delete(rig.dataDir.resolve(Positions.FILE_NAME));
    appendLines(f, "l", 3, 5);
    rig.start();
    assertThat(rig.tailer.list()).isEmpty();
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 5)));
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 5);
  }

  @Test
  void aRotationWhileStoppedFinishesTheOldFileBeforeTheNewOne() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 2);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(2));
    rig.stop();
    appendLines(f, "l", 2, 4);
    Files.move(f, rig.log("app.log.1"));
    appendLines(f, "l", 4, 6);
    rig.start();
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 6)));
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 6);
  }

  @Test
  void aFullQueueDelaysLinesButLosesNone() {
    rig = new TailerRig(tmp, Map.of("PHOSOR_QUEUE_CAPACITY", "16")).start(false);
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 100);
    rig.tailer.add(f.toString());
    eventually().until(() -> rig.pipeline.depth() == rig.pipeline.capacity());
    eventually().during(Duration.ofMillis(500)).until(() -> rig.pipeline.depth() == rig.pipeline.capacity());
    rig.pipeline.start();
    eventually().untilAsserted(() -> assertThat(rig.journaled(rig.log("app.log")))
        .containsExactlyElementsOf(lines("l", 0, 100)));
    assertThat(rig.stats.source("file", "file:" + f).receivedCount()).isEqualTo(100);
  }

  @Test
  void anOverlongLineIsCutFlaggedAndCounted() {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    String big = "x".repeat(Tail.MAX_LINE_BYTES + 1000);
    append(f, "before\n" + big + "\nafter\n");
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(3));
    List<Event> events = rig.events(f);
    assertThat(events.get(1).original()).hasSize(Tail.MAX_LINE_BYTES);
    assertThat(events.get(1).get(Tail.FLAGS)).isEqualTo(List.of("truncated"));
    assertThat(((Number) events.get(1).get(Fields.LOG_OFFSET)).longValue()).isEqualTo(7L + big.length() + 1);
    assertThat(events.get(2).original()).isEqualTo("after");
    assertThat(rig.stats.source("file", "file:" + f).oversizedCount()).isEqualTo(1);
  }

  @Test
  void aCorruptPositionsFileIsMovedAsideAndTheTailerStillStarts() throws IOException {
    rig = new TailerRig(tmp);
    Files.createDirectories(rig.dataDir);
    Files.writeString(rig.dataDir.resolve(Positions.FILE_NAME), "{not json");
    rig.start();
    assertThat(rig.tailer.list()).isEmpty();
    try (var s = Files.list(rig.dataDir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith(Positions.FILE_NAME + ".corrupt-"));
    }
  }

  @Test
  void aCrashAfterARotationIsRecoveredFromTheJournalWithTheNewFilesIdentity() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("app.log");
    appendLines(f, "l", 0, 3);
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(savedOffset(f)).isEqualTo(Files.size(f)));
    Path old = tmp.resolve("positions-old.json");
    Files.copy(rig.dataDir.resolve(Positions.FILE_NAME), old);
    Files.move(f, rig.log("app.log.1"));
    appendLines(f, "l", 3, 30); // the new file grows past the old file's offset
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).hasSize(30));
    rig.stop();
    Files.copy(old, rig.dataDir.resolve(Positions.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    appendLines(f, "l", 30, 32);
    rig.start();
    eventually().untilAsserted(() -> assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("l", 0, 32)));
    eventually().during(Duration.ofMillis(600)).until(() -> rig.journaled(f).size() == 32);
  }

  @Test
  void twoPathsToTheSameFileAreTailedOnce() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("real.log");
    append(f, "x\n");
    Path link = Files.createSymbolicLink(rig.log("current.log"), f);
    rig.tailer.add(f.toString());
    TailedFile second = rig.tailer.add(link.toString());
    assertThat(second.path()).isEqualTo(f.toString());
    assertThat(rig.tailer.list()).hasSize(1);
  }

  @Test
  void manyFilesWithRandomWritesRotationsAndRestartsEachGetEveryLineExactlyOnce() throws IOException {
    long seed = new java.util.Random().nextLong();
    java.util.Random r = new java.util.Random(seed);
    rig = new TailerRig(tmp).start();
    int files = 3;
    List<Path> paths = new ArrayList<>();
    List<List<String>> written = new ArrayList<>();
    StringBuilder[] partial = new StringBuilder[files];
    int[] rotations = new int[files];
    for (int i = 0; i < files; i++) {
      Path p = rig.log("f" + i + ".log");
      paths.add(p);
      written.add(new ArrayList<>());
      partial[i] = new StringBuilder();
      if (r.nextBoolean()) {
        append(p, "");
      }
      rig.tailer.add(p.toString());
    }
    int n = 0;
    for (int step = 0; step < 40; step++) {
      int i = r.nextInt(files);
      Path p = paths.get(i);
      int op = r.nextInt(10);
      if (op < 6) {
        StringBuilder sb = new StringBuilder(partial[i]);
        partial[i].setLength(0);
        int k = 1 + r.nextInt(50);
        for (int j = 0; j < k; j++) {
          String line = "f" + i + "-" + (n++) + "-" + "z".repeat(r.nextInt(30));
          written.get(i).add(line);
          sb.append(line).append(r.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        if (r.nextInt(3) == 0) {
          // leave a line half written; a later write finishes it (possibly after a restart)
          String line = "f" + i + "-" + (n++) + "-partial";
          int cut = 1 + r.nextInt(line.length() - 1);
          sb.append(line, 0, cut);
          partial[i].append(line.substring(cut)).append('\n');
          written.get(i).add(line);
        }
        append(p, sb.toString());
      } else if (op < 8) {
        // rotation by rename; the writer finishes its line first, and we wait until the tailer has
        // switched before the next one
        append(p, partial[i].toString());
        partial[i].setLength(0);
        awaitAll(paths, written, partial);
        if (Files.exists(p)) {
          rotations[i]++;
          Files.move(p, rig.log("f" + i + ".log." + rotations[i]));
          if (r.nextBoolean()) {
            append(p, "");
          }
        }
      } else if (op < 9) {
        rig.restart();
      } else {
        rig.stop();
        String line = "f" + i + "-" + (n++) + "-while-stopped";
        written.get(i).add(line);
        append(p, partial[i] + line + "\n");
        partial[i].setLength(0);
        rig.start();
      }
    }
    for (int i = 0; i < files; i++) {
      append(paths.get(i), partial[i].toString());
      partial[i].setLength(0);
    }
    try {
      awaitAll(paths, written, partial);
      eventually().during(Duration.ofMillis(600)).untilAsserted(() -> {
        for (int i = 0; i < files; i++) {
          assertThat(rig.journaled(paths.get(i))).hasSameSizeAs(written.get(i));
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  /** Waits until every complete line written so far is journaled (a pending partial line is not yet). */
  private void awaitAll(List<Path> paths, List<List<String>> written, StringBuilder[] partial) {
    eventually().untilAsserted(() -> {
      for (int i = 0; i < paths.size(); i++) {
        List<String> w = written.get(i);
        List<String> complete = partial[i].isEmpty() ? w : w.subList(0, w.size() - 1);
        assertThat(rig.journaled(paths.get(i))).containsExactlyElementsOf(complete);
      }
    });
  }

  @Test
  void aLargeExistingFileIsReadQuicklyInOrder() throws IOException {
    rig = new TailerRig(tmp).start();
    Path f = rig.log("big.log");
    appendLines(f, "line-", 0, 50_000);
    long start = System.nanoTime();
    rig.tailer.add(f.toString());
    eventually().untilAsserted(() -> assertThat(savedOffset(f)).isEqualTo(Files.size(f)));
    System.out.printf("50000 lines tailed and journaled in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertThat(rig.journaled(f)).containsExactlyElementsOf(lines("line-", 0, 50_000));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
