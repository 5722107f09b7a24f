package io.phosor.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.server.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding to Splunk HEC end to end: a real server sends events, alerts and incident changes to a local HTTP receiver
 * standing in for HEC; retries while it answers 503, survives restarts without losing or repeating a record, filters
 * events by a query, drops the one event HEC calls malformed, and shows it all in {@code GET /api/forwarders} and
 * {@code /metrics}.
 */
class SplunkHecForwardingTest {
  private static final String TOKEN = "hec-token-0123456789abcdef";

  @TempDir
  Path data;

  private void writeForwarders(String url, String extra) throws Exception {
    Files.createDirectories(data);
    Files.writeString(data.resolve("forwarders.yml"), """
        forwarders:
          - name: splunk
            type: splunk_hec
            url: %s
            token_env: TEST_HEC_TOKEN
            send: [events, alerts, incidents]
            index: security
            batch_size: 50
        %s""".formatted(url, extra));
  }

  private static TestServer start(Path data) throws Exception {
    return TestServer.start(data, Map.of("TEST_HEC_TOKEN", TOKEN, "PHOSOR_SEARCH_ENABLED", "false",
        "PHOSOR_FORWARD_MAX_BACKOFF_SECONDS", "1"));
  }

  private static List<JsonNode> ofType(List<JsonNode> values, String sourcetype) {
    return values.stream().filter(v -> v.path("sourcetype").asText().equals(sourcetype)).toList();
  }

  private static List<Long> eventIds(List<JsonNode> values) {
    return ofType(values, "phosor:event").stream().map(v -> v.path("event").path("event.id").asLong()).toList();
  }

  private static JsonNode status(TestServer t, String name) throws Exception {
    HttpResponse<String> r = t.get("/api/forwarders", t.admin());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    for (JsonNode f : HecReceiver.JSON.readTree(r.body()).path("forwarders")) {
      if (f.path("name").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no forwarder " + name + " in " + r.body());
  }

  @Test
  void eventsAlertsAndIncidentsReachHecOnceAcrossAnOutageAndRestarts() throws Exception {
    try (HecReceiver hec = HecReceiver.start()) {
      hec.otherwise(new HecReceiver.Reply(503, "{\"text\":\"Server is busy\",\"code\":9}"));
      writeForwarders(hec.url(), "");
      try (TestServer t = start(data)) {
        Traffic.webhook(t, 1, 30, "alice");
        Traffic.sshFailures(t, 5, "203.0.113.7");
        await().atMost(Duration.ofSeconds(20)).until(() -> t.server().alerts().total() >= 2
            && t.server().incidents().processedThrough() >= t.server().alerts().total());
        await().until(() -> status(t, "splunk").path("state").asText().equals("retrying"));
        JsonNode s = status(t, "splunk");
        assertThat(s.path("problem").asText()).contains("HTTP 503").contains("Server is busy")
            .doesNotContain(TOKEN);
        assertThat(s.path("failed").asLong()).isPositive();
        assertThat(s.path("retried").asLong()).isPositive();
        assertThat(s.path("sent").asLong()).isZero();
        assertThat(t.get("/health", null).body()).contains("forwarding is retrying");
      }
      assertThat(hec.accepted()).isEmpty();

      // the receiver is back: a restart sends everything that waited, once
      hec.otherwise(new HecReceiver.Reply(200, HecReceiver.SUCCESS));
      List<Long> ids;
      try (TestServer t = start(data)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> eventIds(hec.accepted()).size() >= 35
            && !ofType(hec.accepted(), "phosor:incident").isEmpty());
        ids = eventIds(hec.accepted());
        assertThat(ids).hasSize(35).doesNotHaveDuplicates().isSorted();
        List<JsonNode> alerts = ofType(hec.accepted(), "phosor:alert");
        assertThat(alerts.stream().map(a -> a.path("event").path("id").asLong()).collect(Collectors.toSet()))
            .hasSize((int) t.server().alerts().total());
        assertThat(alerts).allSatisfy(a -> {
          assertThat(a.path("index").asText()).isEqualTo("security");
          assertThat(a.path("source").asText()).isEqualTo("phosor");
          assertThat(a.path("event").path("group").path("source.ip").asText()).isEqualTo("203.0.113.7");
          assertThat(a.path("time").isNumber()).isTrue();
        });
        List<JsonNode> incidents = ofType(hec.accepted(), "phosor:incident");
        assertThat(incidents).anySatisfy(i -> {
          assertThat(i.path("event").path("change").path("kind").asText()).isEqualTo("created");
          assertThat(i.path("event").path("entity_value").asText()).isEqualTo("203.0.113.7");
        });
        HecReceiver.Request any = hec.requests().get(hec.requests().size() - 1);
        assertThat(any.path()).isEqualTo("/services/collector/event");
        assertThat(any.authorization()).isEqualTo("Splunk " + TOKEN);
        assertThat(hec.requests()).allSatisfy(r -> {
          assertThat(r.values().size()).isLessThanOrEqualTo(50);
          assertThat(r.body()).as("epoch seconds, plain").containsPattern("^\\{\"time\":\\d{10}\\.\\d{3},");
        });
        JsonNode s = status(t, "splunk");
        assertThat(s.path("state").asText()).isEqualTo("ok");
        assertThat(s.path("streams").path("events").path("lag").asLong()).isZero();
        assertThat(s.path("dropped").asLong()).isZero();
        String metrics = t.get("/metrics", t.admin()).body();
        assertThat(metrics).contains("phosor_forward_sent_total{destination=\"splunk\",kind=\"events\"} 35.0");
      }

      // another restart with nothing new repeats nothing; one new event arrives after the old ones, alone
      int before = hec.accepted().size();
      try (TestServer t = start(data)) {
        Traffic.webhook(t, 100, 1, "bob");
        await().atMost(Duration.ofSeconds(20)).until(() -> hec.accepted().size() > before);
        List<JsonNode> after = hec.accepted().subList(before, hec.accepted().size());
        assertThat(after).singleElement().satisfies(v -> assertThat(v.path("event").path("n").asInt()).isEqualTo(100));
        Set<Long> all = new HashSet<>(eventIds(hec.accepted()));
        assertThat(all).hasSize(36);
      }
    }
  }

  @Test
  void aQueryForwardsOnlyTheMatchingEvents() throws Exception {
    try (HecReceiver hec = HecReceiver.start()) {
      Files.writeString(data.resolve("forwarders.yml"), """
          forwarders:
            - name: root-only
              type: splunk_hec
              url: %s/services/collector
              token: %s
              send: events
              query: 'user.name:root AND "Failed password"'
              sourcetype: linux:auth
          """.formatted(hec.url(), TOKEN));
      try (TestServer t = start(data)) {
        Traffic.webhook(t, 1, 10, "root"); // user root, but no "Failed password"
        Traffic.sshFailures(t, 3, "198.51.100.9");
        Traffic.webhook(t, 11, 1, "alice");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(t, "root-only").path("streams").path("events")
            .path("cursor").asLong() >= 14);
        List<JsonNode> got = hec.accepted();
        assertThat(got).hasSize(3).allSatisfy(v -> {
          assertThat(v.path("sourcetype").asText()).isEqualTo("linux:auth");
          assertThat(v.path("event").path("user.name").asText()).isEqualTo("root");
          assertThat(v.path("event").path("message").asText()).contains("Failed password");
        });
        assertThat(hec.requests()).allSatisfy(r -> assertThat(r.path()).isEqualTo("/services/collector/event"));
      }
    }
  }

  @Test
  void anEventHecCallsMalformedIsDroppedAndCountedAndTheRestArrive() throws Exception {
    try (HecReceiver hec = HecReceiver.start()) {
      hec.script(new HecReceiver.Reply(400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":2}"));
      writeForwarders(hec.url(), "");
      try (TestServer t = start(data)) {
        Traffic.webhook(t, 1, 5, "alice");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(t, "splunk").path("streams").path("events")
            .path("cursor").asLong() >= 5);
        // the first request held all five: HEC took #0 and #1, refused #2; #3 and #4 were sent again
        List<Long> ids = new ArrayList<>(eventIds(hec.accepted()));
        assertThat(hec.requests().get(0).values()).hasSize(5);
        assertThat(ids).containsExactly(4L, 5L);
        JsonNode s = status(t, "splunk");
        assertThat(s.path("dropped").asLong()).isEqualTo(1);
        assertThat(s.path("sent").asLong()).isEqualTo(4);
        assertThat(s.path("last_drop").asText()).contains("event 3").contains("Invalid data format");
        String metrics = t.get("/metrics", t.admin()).body();
        assertThat(metrics).contains("phosor_forward_dropped_total{destination=\"splunk\",kind=\"events\"} 1.0");
      }
    }
  }
}
