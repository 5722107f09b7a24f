package io.phosor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  Path dir;

  final ManualClock clock = new ManualClock(T0);

  /** Writes {@code n} ordinary entries to a new trail and closes it. */
  static void write(Path dir, ManualClock clock, int n) throws IOException {
    try (AuditTrail t = AuditTrail.open(dir, 1000, clock)) {
      for (int i = 1; i <= n; i++) {
        t.record("alice", "admin", "10.0.0." + i, "PUT /api/rules/{rule_id}", "rule_id=r" + i, "200", Map.of("n", i));
      }
    }
  }

  static List<JsonNode> entries(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Path f : AuditFiles.list(dir)) {
      for (String line : Files.readAllLines(f)) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  static Path onlyFile(Path dir) throws IOException {
    List<Path> files = AuditFiles.list(dir);
    assertThat(files).hasSize(1);
    return files.get(0);
  }

  @Test
  void entriesAreWrittenAsHashChainedJsonLinesThatVerify() throws Exception {
    write(dir, clock, 5);

    Path f = onlyFile(dir);
    assertThat(f.getFileName().toString()).isEqualTo("audit-2026-03-01.jsonl");
    List<String> lines = Files.readAllLines(f);
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("{\"seq\":1,\"ts\":\"2026-03-01T10:00:00Z\",\"actor\":\"alice\",\"role\":\"admin\","
        + "\"address\":\"10.0.0.1\",\"action\":\"PUT /api/rules/{rule_id}\",\"target\":\"rule_id=r1\",\"outcome\":\"200\","
        + "\"detail\":{\"n\":1},\"prev\":\"" + AuditLine.GENESIS + "\",\"hash\":\"");
    List<JsonNode> e = entries(dir);
    for (int i = 1; i < e.size(); i++) {
      assertThat(e.get(i).get("seq").asLong()).isEqualTo(i + 1);
      assertThat(e.get(i).get("prev").asText()).isEqualTo(e.get(i - 1).get("hash").asText());
    }
    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.ok()).as("%s", r.problem()).isTrue();
    assertThat(r.entries()).isEqualTo(5);
    assertThat(r.lastHash()).isEqualTo(e.get(4).get("hash").asText());
  }

  @Test
  void theHashIsSha256OverPrevAndTheLineWithoutItsHashMember() throws Exception {
    write(dir, clock, 2);
    String line = Files.readAllLines(onlyFile(dir)).get(1);
    JsonNode n = JSON.readTree(line);
    String canonical = line.substring(0, line.lastIndexOf(",\"hash\":")) + "}";
    var md = java.security.MessageDigest.getInstance("SHA-256");
    md.update((n.get("prev").asText() + canonical).getBytes(StandardCharsets.UTF_8));
    assertThat(java.util.HexFormat.of().formatHex(md.digest())).isEqualTo(n.get("hash").asText());
  }

  @Test
  void reopeningContinuesTheChain() throws Exception {
    write(dir, clock, 3);
    write(dir, clock, 2);
    assertThat(entries(dir)).extracting(n -> n.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(AuditVerifier.verify(dir).ok()).isTrue();
  }

  @Test
  void verifyingWhileTheServerWritesFindsNothingMissing() throws Exception {
    try (AuditTrail t = AuditTrail.open(dir, 100_000, clock)) {
      Thread w = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          t.record("alice", "admin", null, "POST /api/rules", null, "201", null);
        }
      });
      w.start();
      int runs = 0;
      while (w.isAlive() || runs < 3) {
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        runs++;
        // an entry being written at that instant may show as torn; never as missing or changed
        assertThat(r.ok() || r.problem().message().startsWith("truncated")).as("%s", r.problem()).isTrue();
      }
      w.join();
    }
    assertThat(AuditVerifier.verify(dir).entries()).isEqualTo(20_000);
  }

  @Test
  void aReplacedLastEntryIsCaughtByTheHeadFile() throws Exception {
    write(dir, clock, 3);
    Path f = onlyFile(dir);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    String edited = lines.get(2).replace("\"actor\":\"alice\"", "\"actor\":\"bob\"");
    String canonical = edited.substring(0, edited.lastIndexOf(",\"hash\":")) + "}";
    String prev = JSON.readTree(edited).get("prev").asText();
    lines.set(2, AuditLine.line(canonical, AuditLine.hash(prev, canonical.getBytes(StandardCharsets.UTF_8))));
    Files.write(f, lines);

    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.problem().line()).isEqualTo(3);
    assertThat(r.problem().message()).contains("does not match the hash the head file records");
  }

  @Test
  void aNewUtcDayStartsANewFileAndTheChainRunsOnAcrossFiles() throws Exception {
    try (AuditTrail t = AuditTrail.open(dir, 1000, clock)) {
      t.record("alice", "admin", null, "POST /api/rules", null, "201", null);
      assertThat(t.flush(Duration.ofSeconds(10))).isTrue();
      clock.advance(Duration.ofDays(1));
      t.record("bob", "admin", null, "POST /api/rules", null, "201", null);
    }
    assertThat(AuditFiles.list(dir)).extracting(p -> p.getFileName().toString())
        .containsExactly("audit-2026-03-01.jsonl", "audit-2026-03-02.jsonl");
    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.ok()).isTrue();
    assertThat(r.entries()).isEqualTo(2);
    assertThat(r.files()).isEqualTo(2);
  }

  @Test
  void anEditedEntryIsReportedAtItsLineAsAHashMismatch() throws Exception {
    write(dir, clock, 5);
    Path f = onlyFile(dir);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    lines.set(2, lines.get(2).replace("\"actor\":\"alice\"", "\"actor\":\"mallory\""));
    Files.write(f, lines);

    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.ok()).isFalse();
    assertThat(r.problem().line()).isEqualTo(3);
    assertThat(r.problem().seq()).isEqualTo(3);
    assertThat(r.problem().message()).startsWith("hash mismatch");
    assertThat(r.entries()).isEqualTo(2);
  }

  @Test
  void anEditedEntryWhoseHashWasRecomputedIsCaughtByTheNextEntry() throws Exception {
    write(dir, clock, 5);
    Path f = onlyFile(dir);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    String edited = lines.get(2).replace("\"outcome\":\"200\"", "\"outcome\":\"403\"");
    String canonical = edited.substring(0, edited.lastIndexOf(",\"hash\":")) + "}";
    String prev = JSON.readTree(edited).get("prev").asText();
    lines.set(2, AuditLine.line(canonical, AuditLine.hash(prev, canonical.getBytes(StandardCharsets.UTF_8))));
    Files.write(f, lines);

    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.problem().line()).isEqualTo(4);
    assertThat(r.problem().seq()).isEqualTo(4);
    assertThat(r.problem().message()).startsWith("prev does not match the hash of entry 3");
  }

  @Test
  void aDeletedEntryIsReportedAsMissingWhereItWas() throws Exception {
    write(dir, clock, 5);
    Path f = onlyFile(dir);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    lines.remove(2);
    Files.write(f, lines);

    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.problem().line()).isEqualTo(3);
    assertThat(r.problem().seq()).isEqualTo(3);
    assertThat(r.problem().message()).isEqualTo("entry 3 is missing: the next entry found is 4");
  }

  @Test
  void aFileCutInTheMiddleOfAnEntryIsReportedAsTruncated() throws Exception {
    write(dir, clock, 5);
    Path f = onlyFile(dir);
    byte[] all = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(all, all.length - 40));

    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.problem().line()).isEqualTo(5);
    assertThat(r.problem().seq()).isEqualTo(5);
    assertThat(r.problem().message()).startsWith("truncated");
    assertThat(r.entries()).isEqualTo(4);
  }

  @Test
  void entriesCutFromTheEndAreReportedFromTheHeadFile() throws Exception {
    write(dir, clock, 5);
    Path f = onlyFile(dir);
    List<String> lines = Files.readAllLines(f);
    Files.write(f, lines.subList(0, 3));

    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.problem().file().getFileName().toString()).isEqualTo("head");
    assertThat(r.problem().seq()).isEqualTo(4);
    assertThat(r.problem().message()).isEqualTo("entries 4 to 5 are missing from the end: the head file records entry 5");
  }

  @Test
  void aDeletedDayFileIsReportedAtTheStartOfTheNextOne() throws Exception {
    try (AuditTrail t = AuditTrail.open(dir, 1000, clock)) {
      for (int day = 0; day < 3; day++) {
        t.record("alice", "admin", null, "POST /api/rules", null, "201", null);
        t.record("alice", "admin", null, "POST /api/rules", null, "201", null);
        assertThat(t.flush(Duration.ofSeconds(10))).isTrue();
        clock.advance(Duration.ofDays(1));
      }
    }
    Files.delete(dir.resolve("audit-2026-03-02.jsonl"));

    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.problem().file().getFileName().toString()).isEqualTo("audit-2026-03-03.jsonl");
    assertThat(r.problem().line()).isEqualTo(1);
    assertThat(r.problem().message()).isEqualTo("entries 3 to 4 are missing: the next entry found is 5");
  }

  @Test
  void aTornLastLineIsCutOffAtTheNextStartAndTheCutIsRecorded() throws Exception {
    write(dir, clock, 3);
    Path f = onlyFile(dir);
    Files.writeString(f, "{\"seq\":4,\"ts\":\"2026-03-01T1", StandardOpenOption.APPEND);

    write(dir, clock, 1);
    List<JsonNode> e = entries(dir);
    assertThat(e).extracting(n -> n.get("action").asText())
        .containsExactly("PUT /api/rules/{rule_id}", "PUT /api/rules/{rule_id}", "PUT /api/rules/{rule_id}",
            "audit.recovered", "PUT /api/rules/{rule_id}");
    assertThat(e.get(3).get("detail").get("bytes_removed").asInt()).isEqualTo(27);
    assertThat(AuditVerifier.verify(dir).ok()).isTrue();
  }

  @Test
  void afterEntriesWereCutFromTheEndNewEntriesLeaveTheGapVisible() throws Exception {
    write(dir, clock, 5);
    Path f = onlyFile(dir);
    Files.write(f, Files.readAllLines(f).subList(0, 3));

    write(dir, clock, 1);
    List<JsonNode> e = entries(dir);
    assertThat(e).extracting(n -> n.get("seq").asLong()).containsExactly(1L, 2L, 3L, 6L, 7L);
    assertThat(e.get(3).get("action").asText()).isEqualTo("audit.missing");
    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.problem().seq()).isEqualTo(4);
    assertThat(r.problem().message()).isEqualTo("entries 4 to 5 are missing: the next entry found is 6");
  }

  @Test
  void aFullQueueDropsCountsAndSaysSoInTheTrail() throws Exception {
    long recorded = 0;
    long dropped;
    try (AuditTrail t = AuditTrail.open(dir, 16, clock)) {
      while (t.droppedCount() == 0 && recorded < 5_000_000) {
        t.record("alice", "admin", null, "POST /api/rules", null, "201", null);
        recorded++;
      }
      dropped = t.droppedCount();
    }
    assertThat(dropped).isPositive();
    List<JsonNode> e = entries(dir);
    long kept = e.stream().filter(n -> n.get("action").asText().equals("POST /api/rules")).count();
    long noticed = e.stream().filter(n -> n.get("action").asText().equals("audit.dropped"))
        .mapToLong(n -> n.get("detail").get("entries").asLong()).sum();
    assertThat(kept + dropped).isEqualTo(recorded);
    assertThat(noticed).isEqualTo(dropped);
    assertThat(AuditVerifier.verify(dir).ok()).isTrue();
  }

  @Test
  void aFloodOfRefusalsFromOneAddressIsSummarizedPerMinute() throws Exception {
    try (AuditTrail t = AuditTrail.open(dir, 1000, clock)) {
      for (int i = 0; i < 50; i++) {
        t.record("anonymous", null, "203.0.113.9", "POST /api/rules", null, "401", Map.of("error", "unauthorized"));
      }
      t.record("anonymous", null, "198.51.100.1", "POST /api/rules", null, "401", null);
      t.record("alice", "admin", "203.0.113.9", "POST /api/rules", null, "201", null);
      clock.advance(Duration.ofMinutes(1));
    }
    List<JsonNode> e = entries(dir);
    assertThat(e.stream().filter(n -> n.get("outcome").asText().equals("401")
        && n.get("address").asText().equals("203.0.113.9"))).hasSize(AuditTrail.REFUSALS_PER_MINUTE);
    assertThat(e.stream().filter(n -> n.get("address").asText().equals("198.51.100.1"))).hasSize(1);
    assertThat(e.stream().filter(n -> n.get("outcome").asText().equals("201"))).hasSize(1);
    JsonNode summary = e.stream().filter(n -> n.get("action").asText().equals("audit.suppressed")).findFirst().orElseThrow();
    assertThat(summary.get("address").asText()).isEqualTo("203.0.113.9");
    assertThat(summary.get("detail").get("refusals").asInt()).isEqualTo(50 - AuditTrail.REFUSALS_PER_MINUTE);
    assertThat(summary.get("detail").get("window_start").asText()).isEqualTo("2026-03-01T10:00:00Z");
  }

  @Test
  void longFieldsAndLargeDetailsAreBoundedAndABadDetailNeverThrows() throws Exception {
    try (AuditTrail t = AuditTrail.open(dir, 1000, clock)) {
      t.record("a".repeat(10_000), null, null, "POST /x", null, "404", Map.of("blob", "x".repeat(10_000)));
      t.record("alice", "admin", null, "POST /y", null, "200", Map.of("self", new Object()));
    }
    List<JsonNode> e = entries(dir);
    assertThat(e.get(0).get("actor").asText()).hasSize(AuditTrail.MAX_FIELD_CHARS);
    assertThat(e.get(0).get("detail").get("truncated").asBoolean()).isTrue();
    assertThat(e.get(1).get("detail").get("unserializable").asBoolean()).isTrue();
  }

  @Test
  void onlyOneProcessMayWriteATrail() throws Exception {
    try (AuditTrail t = AuditTrail.open(dir, 16, clock)) {
      assertThatThrownBy(() -> AuditTrail.open(dir, 16, clock)).isInstanceOf(IOException.class)
          .hasMessageContaining("being written by another Phosor process");
    }
    AuditTrail.open(dir, 16, clock).close();
  }

  @Test
  void theDirectoryAndFilesAreOwnerOnly() throws Exception {
    write(dir.resolve("audit"), clock, 1);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit"))))
        .isEqualTo("rwx------");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(onlyFile(dir.resolve("audit"))))).isEqualTo("rw-------");
  }
}
