package io.phosor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditReaderTest {
  @TempDir
  Path dir;

  final ManualClock clock = new ManualClock(AuditTrailTest.T0);

  /** Two days, 10 entries per day an hour apart: alice and bob alternate, every third one refused. */
  @BeforeEach
  void trail() throws Exception {
    try (AuditTrail t = AuditTrail.open(dir, 1000, clock)) {
      for (int day = 0; day < 2; day++) {
        clock.set(AuditTrailTest.T0.plus(Duration.ofDays(day)));
        for (int i = 0; i < 10; i++) {
          t.record(i % 2 == 0 ? "alice" : "bob", "admin", "10.0.0.1", i % 2 == 0 ? "POST /api/rules" : "DELETE /api/rules/{rule_id}",
              null, i % 3 == 0 ? "403" : "200", null);
          clock.advance(Duration.ofHours(1));
        }
        assertThat(t.flush(Duration.ofSeconds(10))).isTrue();
      }
    }
  }

  private static List<Long> seqs(AuditReader.Page p) {
    return p.entries().stream().map(n -> n.get("seq").asLong()).toList();
  }

  private static AuditReader.Query all(int limit) {
    return new AuditReader.Query(null, null, null, null, null, null, limit);
  }

  @Test
  void newestFirstWithACursorThatPagesToTheStart() throws Exception {
    AuditReader.Page p1 = AuditReader.read(dir, all(8));
    assertThat(seqs(p1)).containsExactly(20L, 19L, 18L, 17L, 16L, 15L, 14L, 13L);
    assertThat(p1.nextBefore()).isEqualTo(13L);
    AuditReader.Page p2 = AuditReader.read(dir, new AuditReader.Query(null, null, null, null, null, 13L, 8));
    assertThat(seqs(p2)).containsExactly(12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L);
    AuditReader.Page p3 = AuditReader.read(dir, new AuditReader.Query(null, null, null, null, null, 5L, 8));
    assertThat(seqs(p3)).containsExactly(4L, 3L, 2L, 1L);
    assertThat(p3.nextBefore()).isNull();
  }

  @Test
  void filtersByActorActionOutcomeAndTime() throws Exception {
    assertThat(AuditReader.read(dir, new AuditReader.Query("bob", null, null, null, null, null, 100)).entries())
        .hasSize(10).allMatch(n -> n.get("actor").asText().equals("bob"));
    assertThat(AuditReader.read(dir, new AuditReader.Query(null, "DELETE *", null, null, null, null, 100)).entries())
        .hasSize(10).allMatch(n -> n.get("action").asText().startsWith("DELETE "));
    assertThat(AuditReader.read(dir, new AuditReader.Query(null, "POST /api/rules", "403", null, null, null, 100)).entries())
        .extracting(n -> n.get("seq").asLong()).containsExactly(17L, 11L, 7L, 1L);
    assertThat(AuditReader.read(dir, new AuditReader.Query(null, null, "4xx", null, null, null, 100)).entries()).hasSize(8);
    Instant from = Instant.parse("2026-03-01T12:00:00Z");
    Instant to = Instant.parse("2026-03-01T15:00:00Z");
    List<JsonNode> window = AuditReader.read(dir, new AuditReader.Query(null, null, null, from, to, null, 100)).entries();
    assertThat(window).extracting(n -> n.get("ts").asText())
        .containsExactly("2026-03-01T14:00:00Z", "2026-03-01T13:00:00Z", "2026-03-01T12:00:00Z");
    assertThat(AuditReader.read(dir, new AuditReader.Query(null, null, null, Instant.parse("2026-03-02T15:00:00Z"), null,
        null, 100)).entries()).extracting(n -> n.get("seq").asLong()).containsExactly(20L, 19L, 18L, 17L, 16L);
  }

  @Test
  void theSeqPrefixIsReadWithoutParsing() {
    assertThat(AuditReader.seqPrefix("{\"seq\":1234,\"ts\":\"x\"}")).isEqualTo(1234);
    assertThat(AuditReader.seqPrefix("{\"ts\":\"x\"}")).isEqualTo(-1);
    assertThat(AuditReader.seqPrefix("")).isEqualTo(-1);
  }
}
