package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC section 4: a flooding source is refused (429 + Retry-After over HTTP), counted, and others are unaffected. */
class RateLimitEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  private static String batch(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"message\":\"m").append(i).append("\"}\n");
    }
    return sb.toString();
  }

  @Test
  void aFloodingWebhookGets429WithRetryAfterWhileAnotherSourceIsServed() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "10",
        "PHOSOR_RATE_LIMIT_BURST", "20"))) {
      assertThat(t.post("/api/webhook/noisy", TestServer.ingest(), batch(20)).statusCode()).isEqualTo(200);
      var refused = t.post("/api/webhook/noisy", TestServer.ingest(), batch(20));
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("rate_limited");
      // Blocked: even a single event is refused until the block ends.
      assertThat(t.post("/api/webhook/noisy", TestServer.ingest(), batch(1)).statusCode()).isEqualTo(429);
      // Another source is limited separately.
      assertThat(t.post("/api/webhook/quiet", TestServer.ingest(), batch(5)).statusCode()).isEqualTo(200);

      JsonNode sources = JSON.readTree(t.get("/api/sources", t.admin()).body()).get("sources");
      JsonNode noisy = find(sources, "webhook:noisy");
      assertThat(noisy.get("rate_limited").asLong()).isEqualTo(21);
      assertThat(noisy.get("reputation").asInt()).isEqualTo(90);
      assertThat(noisy.get("rate_limit").get("blocked_until").isNull()).isFalse();
      assertThat(find(sources, "webhook:quiet").get("rate_limited").asLong()).isZero();
      assertThat(t.get("/metrics", t.admin()).body())
          .contains("phosor_events_rate_limited_total{kind=\"webhook\",source=\"webhook:noisy\"} 21.0");
    }
  }

  @Test
  void aSyslogFloodIsRefusedAndCountedPerSender() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "50",
        "PHOSOR_RATE_LIMIT_BURST", "50"))) {
      int port = t.server().syslogUdpPort();
      try (DatagramSocket s = new DatagramSocket()) {
        for (int i = 0; i < 500; i++) {
          byte[] b = ("<13>Nov 21 10:00:00 host app: flood " + i).getBytes(StandardCharsets.UTF_8);
          s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
        }
      }
      // Every received datagram ends up either journaled or refused: nothing unaccounted.
      await().until(() -> {
        JsonNode src = find(JSON.readTree(t.get("/api/sources", t.admin()).body()).get("sources"), "syslog:127.0.0.1");
        long journaled = JSON.readTree(t.get("/api/stats", t.admin()).body()).get("total_events").asLong();
        return src != null && src.get("received").asLong() >= 450
            && journaled + src.get("rate_limited").asLong() == src.get("received").asLong();
      });
      JsonNode src = find(JSON.readTree(t.get("/api/sources", t.admin()).body()).get("sources"), "syslog:127.0.0.1");
      assertThat(src.get("rate_limited").asLong()).isGreaterThan(300);
      assertThat(src.get("reputation").asInt()).isLessThan(100);
    }
  }

  private static JsonNode find(JsonNode sources, String id) {
    for (JsonNode s : sources) {
      if (s.get("id").asText().equals(id)) {
        return s;
      }
    }
    return null;
  }
}
