package io.phosor.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.server.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency markers against a real node: every marker becomes one alert whose {@code last_seen} is the marker's
 * sender timestamp (RFC 5424 over TCP, {@code @timestamp} over the webhook and HEC), read from {@code /ws/events}.
 */
class MarkerLatencyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  @Test
  void everyMarkerAlertArrivesOverTcpWebhookAndHecAndTheReportHasTheLatencies() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "0"))) {
      int http = t.server().httpPort();
      List<String> progress = new CopyOnWriteArrayList<>();
      for (LoadOptions o : List.of(
          LoadOptions.of(LoadOptions.Protocol.TCP, "127.0.0.1", t.server().syslogTcpPort()),
          LoadOptions.of(LoadOptions.Protocol.HTTP, "127.0.0.1", http).withToken(TestServer.INGEST_TOKEN),
          LoadOptions.of(LoadOptions.Protocol.HEC, "127.0.0.1", http).withToken(TestServer.INGEST_TOKEN))) {
        LoadReport r;
        try (MarkerProbe probe = MarkerProbe.open("127.0.0.1", http, t.server().apiToken(), 100,
            Duration.ofSeconds(10))) {
          r = LoadTool.run(o.withCount(2_000).withBatchSize(50).withRate(4_000).withMarkerEvery(100), probe,
              Duration.ofSeconds(60), Duration.ofMillis(200), progress::add);
        }
        System.out.println(r);

        assertThat(r.accepted()).as(o.protocol().name()).isEqualTo(2_000);
        MarkerReport m = r.markers();
        assertThat(m.sent()).as(o.protocol().name()).isEqualTo(20);
        assertThat(m.received()).as("every marker alert arrives (%s)", o.protocol()).isEqualTo(20);
        assertThat(m.missing()).isZero();
        assertThat(m.unmatched()).as("every marker alert's last_seen is a sender timestamp of this run").isZero();
        assertThat(m.negative()).isZero();
        assertThat(m.p50()).isNotNegative();
        assertThat(m.p99()).isGreaterThanOrEqualTo(m.p50());
        assertThat(m.max()).isGreaterThanOrEqualTo(m.p99());
        assertThat(m.alertsTotal()).as("the built-in rules alert too").isGreaterThan(20);
        assertThat(r.toString()).contains("20 sent, 20 alerts received, 0 missing")
            .contains("latency p50 " + m.p50() + " ms, p99 " + m.p99() + " ms, max " + m.max() + " ms");
        JsonNode json = JSON.readTree(r.toJson()).get("markers");
        assertThat(json.get("alerts_received").asLong()).isEqualTo(20);
        assertThat(json.get("missing").asLong()).isZero();
        assertThat(json.get("alerts_total").asLong()).isEqualTo(m.alertsTotal());
        assertThat(json.get("latency_ms").get("p50").asLong()).isEqualTo(m.p50());
        assertThat(json.get("latency_ms").get("p99").asLong()).isEqualTo(m.p99());
        assertThat(json.get("latency_ms").get("max").asLong()).isEqualTo(m.max());
      }
      assertThat(progress).isNotEmpty().allSatisfy(line -> assertThat(line)
          .matches("progress elapsed_s=\\d+\\.\\d sent=\\d+ accepted=\\d+ refused=0 errors=0 rate=\\d+"
              + " markers_sent=\\d+ markers_received=\\d+ alerts_total=\\d+"
              + " p50_ms=-?\\d+ p99_ms=-?\\d+ max_ms=-?\\d+"));

      HttpResponse<String> alerts = t.get("/api/alerts?rule=" + MarkerProbe.RULE_ID + "&limit=1000", t.admin());
      JsonNode stored = JSON.readTree(alerts.body()).get("alerts");
      assertThat(stored).hasSize(60);
      assertThat(stored.get(0).get("severity").asText()).isEqualTo("informational");
      HttpResponse<String> history = t.get("/api/rules/" + MarkerProbe.RULE_ID + "/history", t.admin());
      assertThat(JSON.readTree(history.body()).get("history")).as("created once, then reused").hasSize(1);
    }
  }

  @Test
  void aMissingOrRefusedFeedTokenIsAClearError() throws Exception {
    assertThatThrownBy(() -> MarkerProbe.open("127.0.0.1", 8000, null, 100, Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class).hasMessageContaining("need the API token")
        .hasMessageContaining("--api-token-file");
    assertThatThrownBy(() -> MarkerProbe.open("127.0.0.1", 8000, "  \n", 100, Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class).hasMessageContaining("--api-token-file");
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_BUILTIN_RULES", "false"))) {
      int http = t.server().httpPort();
      assertThatThrownBy(() -> MarkerProbe.open("127.0.0.1", http, "not-the-api-token-0123456789", 100,
          Duration.ofSeconds(5))).isInstanceOf(IOException.class).hasMessageContaining("401")
          .hasMessageContaining("API token");
      assertThatThrownBy(() -> MarkerProbe.open("127.0.0.1", http, TestServer.INGEST_TOKEN, 100,
          Duration.ofSeconds(5))).isInstanceOf(IOException.class).hasMessageContaining("403");
    }
  }
}
