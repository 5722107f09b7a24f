package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.live.FeedClient;
import io.phosor.live.StuckClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 end to end: {@code /ws/events} on a real node carries alerts raised by a rule made through the API,
 * the stats and a sample of the events sent to the webhook; and a client that stops reading neither slows
 * ingestion nor the other clients, loses messages (counted) and is disconnected.
 */
class LiveFeedEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARKER_RULE = """
      {"id": "live-marker", "name": "Live marker", "type": "pattern", "severity": "high",
       "config": {"field": "message", "regex": "phosor-live-marker"}}
      """;

  @TempDir
  Path data;

  @Test
  void anAuthenticatedClientReceivesAlertsStatsAndSampledEvents() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_BUILTIN_RULES", "false", "PHOSOR_WS_STATS_SECONDS", "1",
        "PHOSOR_WS_EVENTS_PER_SECOND", "5"));
        FeedClient feed = FeedClient.connect(t.server().httpPort(), t.server().apiToken())) {
      await().until(() -> !feed.ofType("hello").isEmpty());
      long start = System.nanoTime();
      HttpResponse<String> created = t.request("POST", "/api/rules", t.admin(), MARKER_RULE, "application/json");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 200; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"message\": \"line ").append(i).append(i == 150 ? " phosor-live-marker" : "")
            .append("\", \"user\": \"alice\"}");
      }
      post(t, "e2e", batch.append("]").toString());

      await().until(() -> !feed.ofType("alert").isEmpty());
      JsonNode alert = feed.ofType("alert").get(0).get("data");
      assertThat(alert.get("rule").asText()).isEqualTo("live-marker");
      assertThat(alert.get("severity").asText()).isEqualTo("high");
      assertThat(alert.get("status").asText()).isEqualTo("open");
      assertThat(alert.get("id").asLong()).isPositive();

      await().until(() -> feed.ofType("stats").stream().anyMatch(s -> s.get("data").get("total_events").asLong() == 200));
      JsonNode stats = feed.ofType("stats").get(feed.ofType("stats").size() - 1).get("data");
      assertThat(stats.get("total_alerts").asLong()).isEqualTo(1);
      assertThat(stats.get("live_clients").asInt()).isEqualTo(1);

      List<JsonNode> events = feed.ofType("event");
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      assertThat(events).isNotEmpty().hasSizeLessThanOrEqualTo((int) (5 * (seconds + 2)));
      assertThat(events).allSatisfy(e -> {
        assertThat(e.get("data").get("phosor.source").asText()).isEqualTo("webhook:e2e");
        assertThat(e.get("data").get("message").asText()).startsWith("line ");
        assertThat(e.get("skipped").asLong()).isNotNegative();
      });

      HttpResponse<String> clients = t.get("/api/live/clients", t.admin());
      assertThat(clients.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(clients.body()).get("clients").get(0).get("actor").asText()).isEqualTo("admin-token");
    }
  }

  @Test
  void everyUserRoleAndTheApiTokenMayReadTheFeedButNoTokenABadTokenOrAnIngestTokenMayNot() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      int port = t.server().httpPort();
      assertThat(FeedClient.refusal(port, "", List.of())).isEqualTo(401);
      assertThat(FeedClient.refusal(port, "", List.of("phosor", "wrong-token-0123456789abcdef"))).isEqualTo(401);
      assertThat(FeedClient.refusal(port, "?token=" + TestServer.INGEST_TOKEN, List.of())).isEqualTo(403);
      for (String auth : List.of(t.viewer(), t.analyst(), t.adminUser(), t.admin())) {
        String token = auth.substring("Bearer ".length());
        assertThat(FeedClient.refusal(port, "", List.of("phosor", token))).as(auth).isEqualTo(-1);
      }
    }
  }

  @Test
  void aClientThatStopsReadingDoesNotSlowIngestionOrOtherClientsAndIsDisconnected() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_BUILTIN_RULES", "false", "PHOSOR_SEARCH_ENABLED", "false",
        "PHOSOR_RATE_LIMIT_PER_SECOND", "0", "PHOSOR_WS_EVENTS_PER_SECOND", "1000",
        "PHOSOR_WS_BUFFER_MESSAGES", "256", "PHOSOR_WS_MAX_DROPS", "2000", "PHOSOR_WS_MAX_LAG_SECONDS", "600"));
        FeedClient healthy = FeedClient.connect(t.server().httpPort(), t.server().apiToken())) {
      healthy.send("{\"subscribe\": [\"event\"]}");
      await().until(() -> !healthy.ofType("subscribed").isEmpty());
      int[] batches = {0, 0}; // batches of 100 posted, single markers posted
      String healthyId = (String) t.server().live().clients().get(0).get("id");

      timeBatches(t, batches, 5); // warm up
      long baseline = timeBatches(t, batches, 5);
      try (StuckClient stuck = StuckClient.connect(t.server().httpPort(), t.server().apiToken())) {
        await().until(() -> t.server().live().clientCount() == 2);

        // fill the stuck client's socket buffers and its 256 messages until it loses some
        for (int i = 0; i < 200 && stuckDropped(t, healthyId) == 0; i++) {
          postBatch(t, batches[0]++);
        }
        long droppedBefore = stuckDropped(t, healthyId);
        assertThat(droppedBefore).as("the stuck client loses messages").isPositive();

        // while it is stuck, ingestion goes on at the speed it had without it, and the other client keeps up
        long whileStuck = timeBatches(t, batches, 5);
        assertThat(t.server().live().clientCount()).as("still connected and stuck").isEqualTo(2);
        // it keeps losing messages (on a loaded machine the five timed batches may all have fitted in its buffers)
        for (int i = 0; i < 200 && stuckDropped(t, healthyId) <= droppedBefore; i++) {
          postBatch(t, batches[0]++);
        }
        assertThat(stuckDropped(t, healthyId)).isGreaterThan(droppedBefore);
        System.out.printf("5 batches of 100 events: %d ms without a stuck client, %d ms with one%n", baseline,
            whileStuck);
        assertThat(whileStuck).as("ingestion is not slowed by the stuck client")
            .isLessThan(Math.max(4 * baseline, baseline + 3000));
        postUntilSeen(t, healthy, "marker while stuck", batches);

        // it keeps losing messages: after PHOSOR_WS_MAX_DROPS in a row it is disconnected
        for (int i = 0; i < 200 && t.server().live().clientCount() == 2; i++) {
          postBatch(t, batches[0]++);
        }
        await().until(() -> t.server().live().clientCount() == 1);
        assertThat(stuck.drainUntilClosed(Duration.ofSeconds(20))).as("the stuck connection is closed").isTrue();
      }
      String metrics = t.get("/metrics", t.admin()).body();
      assertThat(metric(metrics, "phosor_ws_dropped_total")).isGreaterThanOrEqualTo(2000);
      assertThat(metric(metrics, "phosor_ws_slow_disconnects_total")).isEqualTo(1);

      postUntilSeen(t, healthy, "marker after the stuck client", batches);
      assertThat(healthy.closeCode()).isEqualTo(-1);
      JsonNode stats = JSON.readTree(t.get("/api/stats", t.admin()).body());
      assertThat(stats.get("total_events").asLong()).isEqualTo(batches[0] * 100L + batches[1]);
    }
  }

  /**
   * Posts an event with {@code message} until the client has received one: events are sampled, and a new
   * second always starts with one taken.
   */
  private static void postUntilSeen(TestServer t, FeedClient client, String message, int[] posted) {
    await().pollInterval(Duration.ofMillis(200)).until(() -> {
      if (client.ofType("event").stream().anyMatch(e -> e.get("data").get("message").asText().equals(message))) {
        return true;
      }
      post(t, "load", "{\"message\": \"" + message + "\"}");
      posted[1]++;
      return false;
    });
  }

  /** Posts {@code n} batches and returns how long they took to be journaled, in milliseconds. */
  private static long timeBatches(TestServer t, int[] batches, int n) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      postBatch(t, batches[0]++);
    }
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  /** 100 events of about 4 KB each. */
  private static void postBatch(TestServer t, int batch) throws Exception {
    String pad = "p".repeat(4000);
    StringBuilder b = new StringBuilder("[");
    for (int n = 0; n < 100; n++) {
      b.append(n == 0 ? "" : ",").append("{\"message\": \"batch ").append(batch).append(" n ").append(n).append(' ')
          .append(pad).append("\"}");
    }
    post(t, "load", b.append(']').toString());
  }

  private static void post(TestServer t, String source, String body) throws Exception {
    HttpResponse<String> r = t.post("/api/webhook/" + source, TestServer.ingest(), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Messages the stuck client (any client but the healthy one) has lost. */
  private static long stuckDropped(TestServer t, String healthyId) {
    return t.server().live().clients().stream().filter(m -> !m.get("id").equals(healthyId))
        .mapToLong(m -> (Long) m.get("dropped")).sum();
  }

  private static double metric(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElseThrow(() -> new AssertionError(
            name + " not in /metrics"));
  }
}
