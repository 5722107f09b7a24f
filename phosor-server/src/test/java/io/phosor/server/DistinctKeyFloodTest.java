package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: a flood of distinct keys. 110,000 failed logins, each from its own user and address, pass the
 * per-rule group cap (100,000): the engine evicts (counted in /metrics), its groups stay bounded, and a real
 * brute force afterwards is still detected.
 */
class DistinctKeyFloodTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FLOOD = 110_000;

  @TempDir
  Path data;

  @Test
  void aFloodOfDistinctKeysIsBoundedCountedAndDetectionGoesOn() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "0",
        "PHOSOR_BUILTIN_RULES", "true"))) {
      int batch = 5000;
      for (int from = 0; from < FLOOD; from += batch) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + batch; i++) {
          sb.append("{\"parsed.event_type\":\"auth_fail\",\"user\":\"u").append(i).append("\",\"ip\":\"10.").append((i >> 16) & 255)
              .append('.').append((i >> 8) & 255).append('.').append(i & 255).append("\"}\n");
        }
        HttpResponse<String> r = t.post("/api/webhook/flood", TestServer.ingest(), sb.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(120)).until(() -> metric(t, "phosor_detect_lag_events") == 0
          && metric(t, "phosor_detect_evictions") >= FLOOD - 100_000); // the gauge refreshes once a second
      double groups = metric(t, "phosor_detect_active_groups");
      assertThat(metric(t, "phosor_detect_evictions")).isGreaterThanOrEqualTo(FLOOD - 100_000);
      // every rule that groups these events holds at most the cap
      long rulesGrouping = JSON.readTree(t.get("/api/rules", t.admin()).body()).get("rules").size();
      assertThat(groups).isLessThanOrEqualTo(100_000.0 * rulesGrouping);

      StringBuilder attack = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        attack.append("{\"parsed.event_type\":\"auth_fail\",\"user\":\"victim\",\"ip\":\"203.0.113.66\"}\n");
      }
      assertThat(t.post("/api/webhook/flood", TestServer.ingest(), attack.toString()).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(t.get("/api/alerts?limit=1000", t.admin()).body())
          .get("alerts").findValuesAsText("rule").contains("cortexsoc-failed-login-threshold"));
    }
  }

  private static double metric(TestServer t, String name) throws Exception {
    String body = t.get("/metrics", t.admin()).body();
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(2)) : -1;
  }
}
