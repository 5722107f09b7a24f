package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.journal.JournalRetention;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal retention in the running server: once detection, the indexer, file tailing and forwarding are durably
 * past old segments, retention deletes them; the server restarts on the shortened journal and goes on (search
 * still has every event, detection resumes where it was), and the metrics count what was deleted.
 */
class JournalRetentionEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  private static long segments(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).count();
    }
  }

  private static String batch(int from, int n) {
    StringBuilder body = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      body.append("{\"message\": \"retention test event ").append(i).append(' ').append("y".repeat(300))
          .append("\", \"user\": \"u").append(i % 7).append("\"}\n");
    }
    return body.toString();
  }

  @Test
  void consumedSegmentsAreDeletedAndTheServerRestartsOnWhatIsLeft() throws Exception {
    Map<String, String> env = Map.of("PHOSOR_BUILTIN_RULES", "false", "PHOSOR_JOURNAL_SEGMENT_BYTES", "4096",
        "PHOSOR_JOURNAL_RETENTION_HOURS", "0");
    Path journal = data.resolve("journal");
    try (TestServer t = TestServer.start(data, env)) {
      for (int b = 0; b < 10; b++) {
        assertThat(t.post("/api/webhook/ret", TestServer.ingest(), batch(b * 20, 20)).statusCode()).isEqualTo(200);
      }
      assertThat(segments(journal)).isGreaterThan(10);
      JournalRetention retention = t.server().journalRetention();
      // detection saves its position every second, the indexer commits every few seconds: then all is consumed
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
        retention.run();
        return segments(journal) <= 2;
      });
      assertThat(retention.holds()).containsKeys("detection", "search index", "file tailing", "forwarding");
      String metrics = t.get("/metrics", "Bearer " + t.server().apiToken()).body();
      assertThat(metrics).containsPattern("phosor_journal_segments_deleted_total [1-9]");
    }
    long first;
    try (Stream<Path> s = Files.list(journal)) {
      first = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg"))
          .mapToLong(n -> Long.parseLong(n.replace(".seg", ""))).min().orElseThrow();
    }
    assertThat(first).isGreaterThan(1);

    try (TestServer t = TestServer.start(data, env)) {
      assertThat(t.post("/api/webhook/ret", TestServer.ingest(), batch(200, 5)).statusCode()).isEqualTo(200);
      String q = URLEncoder.encode("retention", StandardCharsets.UTF_8);
      await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(
          t.get("/api/events/search?q=" + q + "&limit=1", t.admin()).body()).get("total").asLong() == 205);
    }
  }
}
