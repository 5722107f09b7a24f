package io.phosor.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding to a REAL OpenSearch node ({@link OpenSearchNode}): events, alerts and incident changes go in through the
 * bulk API and are queried back; a document the node refuses (a mapping conflict) is dropped and counted while the rest
 * of its batch arrives; a restart repeats nothing. Skipped, saying why, where a node cannot run.
 */
class OpenSearchForwardingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static OpenSearchNode node;

  @TempDir
  Path data;

  @BeforeAll
  static void startNode() throws Exception {
    String why = OpenSearchNode.unavailable();
    if (why == null) {
      try {
        long t0 = System.nanoTime();
        node = OpenSearchNode.start();
        System.out.printf("[phosor-opensearch] node up at %s in %d ms%n", node.url(),
            (System.nanoTime() - t0) / 1_000_000);
      } catch (java.io.IOException e) {
        why = "the node did not start: " + e.getMessage();
      }
    }
    if (why != null) {
      System.out.println("[phosor-opensearch] OpenSearchForwardingTest SKIPPED: " + why);
    }
    Assumptions.assumeTrue(why == null, "[phosor-opensearch] SKIPPED: " + why);
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = node.request("GET", path, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static long count(String index, String query) throws Exception {
    node.request("POST", "/" + index + "/_refresh", null);
    HttpResponse<String> r = node.request("GET", "/" + index + "/_count" + (query == null ? "" : "?q="
        + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8)), null);
    if (r.statusCode() == 404 || r.statusCode() == 503) {
      return 0; // not created yet, or its shards not yet allocated ("all shards failed" on a loaded machine)
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("count").asLong();
  }

  private static List<JsonNode> hits(String index, String query) throws Exception {
    node.request("POST", "/" + index + "/_refresh", null);
    JsonNode r = get("/" + index + "/_search?size=100&q=" + java.net.URLEncoder.encode(query,
        java.nio.charset.StandardCharsets.UTF_8));
    List<JsonNode> out = new ArrayList<>();
    r.path("hits").path("hits").forEach(out::add);
    return out;
  }

  @Test
  void eventsAlertsAndIncidentsAreIndexedAndFoundAgainAndARefusedDocumentIsCounted() throws Exception {
    Files.writeString(data.resolve("forwarders.yml"), """
        forwarders:
          - name: opensearch
            type: opensearch
            url: %s
            send: [events, alerts, incidents]
            indices: {events: "phosor-test-events-{yyyy.MM.dd}", alerts: phosor-test-alerts, incidents: phosor-test-incidents}
            batch_size: 100
        """.formatted(node.url()));
    Map<String, String> env = Map.of("PHOSOR_SEARCH_ENABLED", "false", "PHOSOR_FORWARD_MAX_BACKOFF_SECONDS", "1");
    try (TestServer t = TestServer.start(data, env)) {
      Traffic.webhook(t, 1, 40, "alice");
      Traffic.sshFailures(t, 5, "203.0.113.7");
      // "n" is a number in every event so far: this one's text cannot be indexed in that field
      assertThat(t.post("/api/webhook/shop", TestServer.ingest(), "{\"n\": \"not a number\", \"message\": \"odd\"}")
          .statusCode()).isEqualTo(200);
      Traffic.webhook(t, 41, 4, "bob");
      await().atMost(Duration.ofSeconds(40)).until(() -> count("phosor-test-events-*", null) >= 49
          && count("phosor-test-alerts", null) >= 2 && count("phosor-test-incidents", null) >= 1);

      assertThat(count("phosor-test-events-*", null)).isEqualTo(49);
      assertThat(count("phosor-test-events-*", "user.name:alice")).isEqualTo(40);
      assertThat(count("phosor-test-events-*", "source.ip:203.0.113.7")).isEqualTo(5);
      List<JsonNode> bob = hits("phosor-test-events-*", "user.name:bob");
      assertThat(bob).hasSize(4).allSatisfy(h -> {
        assertThat(h.path("_index").asText()).matches("phosor-test-events-\\d{4}\\.\\d\\d\\.\\d\\d");
        long id = h.path("_source").path("event.id").asLong();
        assertThat(h.path("_id").asText()).startsWith(id + "-");
        assertThat(h.path("_source").path("message").asText()).startsWith("order 4");
      });
      List<JsonNode> alerts = hits("phosor-test-alerts", "group.source\\.ip:\"203.0.113.7\"");
      assertThat(alerts).hasSizeGreaterThanOrEqualTo(2).allSatisfy(h -> {
        assertThat(h.path("_source").path("rule").asText()).isNotEmpty();
        assertThat(h.path("_source").path("@timestamp").asText()).isNotEmpty();
      });
      assertThat(alerts).extracting(h -> h.path("_source").path("id").asLong()).doesNotHaveDuplicates();
      assertThat(hits("phosor-test-incidents", "change.kind:created")).singleElement()
          .satisfies(h -> assertThat(h.path("_source").path("entity_value").asText()).isEqualTo("203.0.113.7"));

      JsonNode status = JSON.readTree(t.get("/api/forwarders", t.admin()).body()).path("forwarders").get(0);
      assertThat(status.path("dropped").asLong()).isEqualTo(1);
      assertThat(status.path("last_drop").asText()).contains("HTTP 400").contains("mapper_parsing_exception");
      assertThat(status.path("streams").path("events").path("sent").asLong()).isEqualTo(49);
      assertThat(status.path("state").asText()).isEqualTo("ok");
    }

    // a restart sends only what is new
    try (TestServer t = TestServer.start(data, env)) {
      Traffic.webhook(t, 100, 1, "carol");
      await().atMost(Duration.ofSeconds(30)).until(() -> count("phosor-test-events-*", "user.name:carol") == 1);
      assertThat(count("phosor-test-events-*", null)).isEqualTo(50);
      JsonNode status = JSON.readTree(t.get("/api/forwarders", t.admin()).body()).path("forwarders").get(0);
      assertThat(status.path("streams").path("events").path("sent").asLong()).isEqualTo(1);
    }
  }
}
