package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, event store and search end to end: events sent over HTTP are indexed off the detection path and
 * searchable with Lucene syntax (aliases, ranges, text), newest first with cursor paging, counted in a
 * histogram, fetched by id; a bad query is a 400 with its position; after a restart every event is in the
 * index exactly once.
 */
class SearchEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  @Test
  void eventsAreSearchablePagedCountedAndIndexedExactlyOnceAcrossARestart() throws Exception {
    Map<String, String> env = Map.of("PHOSOR_BUILTIN_RULES", "false");
    try (TestServer t = TestServer.start(data, env)) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 30; i++) {
        body.append("{\"message\": \"login failed for user ").append(i % 2 == 0 ? "alice" : "bob")
            .append("\", \"user\": \"").append(i % 2 == 0 ? "alice" : "bob").append("\", \"src_ip\": \"10.0.")
            .append(i % 3).append(".").append(i + 1).append("\", \"http.response.status_code\": ").append(400 + i)
            .append("}\n");
      }
      assertThat(t.post("/api/webhook/search", TestServer.ingest(), body.toString()).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(15)).until(() -> search(t, "*", 100).get("events").size() == 30);

      // aliases (user, src_ip) and ECS names, CIDR, numeric range, text
      assertThat(search(t, "user:alice", 100).get("events")).hasSize(15);
      assertThat(search(t, "user.name:bob AND source.ip:\"10.0.1.0/24\"", 100).get("events")).hasSize(5);
      assertThat(search(t, "src_ip:10.0.2.3", 100).get("events")).hasSize(1);
      assertThat(search(t, "http.response.status_code:[420 TO 429]", 100).get("events")).hasSize(10);
      assertThat(search(t, "failed AND alice", 100).get("events")).hasSize(15);

      // newest first, cursor paging through everything without gaps or repeats
      Set<Long> seen = new HashSet<>();
      String cursor = null;
      long previous = Long.MAX_VALUE;
      do {
        JsonNode page = search(t, "*", 7, cursor);
        for (JsonNode e : page.get("events")) {
          long id = e.get("event.id").asLong();
          assertThat(id).isLessThan(previous);
          previous = id;
          assertThat(seen.add(id)).isTrue();
        }
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      } while (cursor != null);
      assertThat(seen).hasSize(30);

      long id = seen.iterator().next();
      JsonNode one = JSON.readTree(t.get("/api/events/" + id, t.admin()).body());
      assertThat(one.get("event.id").asLong()).isEqualTo(id);
      assertThat(t.get("/api/events/99999999", t.admin()).statusCode()).isEqualTo(404);

      JsonNode h = JSON.readTree(t.get("/api/events/histogram?q=user:alice&interval=1h", t.admin()).body());
      assertThat(h.get("total").asLong()).isEqualTo(15);
      assertThat(h.get("buckets").size()).isBetween(24, 25);

      // backfill: a new rule over stored events says what would fire, raising no alert
      String rule = "{\"id\": \"bf\", \"name\": \"Backfill\", \"type\": \"threshold\", \"severity\": \"high\", "
          + "\"enabled\": false, \"group_by\": \"user.name\", \"config\": {\"match\": {\"field\": \"message\", "
          + "\"contains\": \"failed\"}, \"count\": 10, \"window_seconds\": 600}}";
      assertThat(t.request("POST", "/api/rules", t.admin(), rule, "application/json").statusCode()).isEqualTo(201);
      String range = "from=" + enc(java.time.Instant.now().minusSeconds(3600).toString()) + "&to="
          + enc(java.time.Instant.now().plusSeconds(60).toString());
      HttpResponse<String> bf = t.get("/api/detect?" + range + "&rule=bf", t.admin());
      assertThat(bf.statusCode()).as(bf.body()).isEqualTo(200);
      JsonNode fired = JSON.readTree(bf.body());
      assertThat(fired.get("events_scanned").asInt()).isEqualTo(30);
      assertThat(fired.get("alerts")).extracting(a -> a.get("group").get("user.name").asText())
          .containsExactlyInAnyOrder("alice", "bob");
      assertThat(JSON.readTree(t.get("/api/alerts", t.admin()).body()).get("alerts")).isEmpty();
      assertThat(t.get("/api/detect?rule=bf", t.admin()).statusCode()).isEqualTo(400);

      HttpResponse<String> bad = t.get("/api/events/search?q=" + enc("user:(alice"), t.admin());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(bad.body()).get("position").asInt()).isPositive();
      assertThat(t.get("/api/events/search?q=*", null).statusCode()).isEqualTo(401);
    }
    try (TestServer t = TestServer.start(data, env)) {
      assertThat(t.post("/api/webhook/search", TestServer.ingest(), "{\"message\": \"after restart\"}").statusCode())
          .isEqualTo(200);
      await().atMost(Duration.ofSeconds(15)).until(() -> search(t, "*", 100).get("events").size() == 31);
      assertThat(search(t, "after", 100).get("events")).hasSize(1);
    }
  }

  private static JsonNode search(TestServer t, String q, int limit) throws Exception {
    return search(t, q, limit, null);
  }

  private static JsonNode search(TestServer t, String q, int limit, String cursor) throws Exception {
    HttpResponse<String> r = t.get("/api/events/search?q=" + enc(q) + "&limit=" + limit
        + (cursor == null ? "" : "&cursor=" + enc(cursor)), t.admin());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
