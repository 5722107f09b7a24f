package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.server.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 from end to end with the real integrations: sshd failures over syslog raise a critical alert, the alert
 * opens an incident, the default high-severity playbook blocks the address (served on the firewall feed), pages
 * PagerDuty (the exact Events API v2 request, checked on a local stand-in) and resolves the page when an analyst
 * resolves the incident — while a Slack endpoint that never answers slows nothing: a second attacker is detected,
 * grouped and paged as promptly as the first.
 */
class ResponseChainEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROUTING_KEY = "R0UTINGKEY0123456789abcdef012345";

  @TempDir
  Path data;

  private static String failures(String ip) {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      sb.append("<38>").append(stamp).append(" srv1 sshd[4242]: Failed password for invalid user admin from ")
          .append(ip).append(" port ").append(40000 + i).append(" ssh2\n");
    }
    return sb.toString();
  }

  private static void send(TestServer t, String ip) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server().syslogTcpPort()); OutputStream out = s.getOutputStream()) {
      out.write(failures(ip).getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return JSON.readTree(r.body());
  }

  private static long incidentOf(TestServer t, String ip, String auth) throws Exception {
    JsonNode list = ok(t.get("/api/incidents?entity=" + ip + "&severity=critical", auth)).get("incidents");
    return list.isEmpty() ? -1 : list.get(0).get("id").asLong();
  }

  private static List<RecordingServer.Request> pages(RecordingServer pd, String action, long incident) {
    return pd.requests().stream().filter(r -> r.json().get("event_action").asText().equals(action)
        && r.json().get("dedup_key").asText().equals("phosor-incident-" + incident)).toList();
  }

  @Test
  void aCriticalAlertBlocksTheAddressAndPagesPagerDutyWhileAHangingSlackSlowsNothing() throws Exception {
    try (RecordingServer slack = RecordingServer.start().otherwise(RecordingServer.Reply.hanging());
        RecordingServer pd = RecordingServer.start().otherwise(RecordingServer.Reply.json(202,
            "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}"));
        TestServer t = TestServer.start(data, Map.of(
            "PHOSOR_SEARCH_ENABLED", "false",
            "PHOSOR_SLACK_WEBHOOK", slack.url("/services/T000/B000/XXXXSECRET").toString(),
            "PHOSOR_PAGERDUTY_ROUTING_KEY", ROUTING_KEY,
            "PHOSOR_PAGERDUTY_URL", pd.url("/v2/enqueue").toString(),
            "PHOSOR_RESPONSE_TIMEOUT_SECONDS", "60",
            "PHOSOR_BLOCKLIST_FEED_TOKEN", "feed-token-0123456789abcdef"))) {
      String analyst = t.analyst();
      send(t, "203.0.113.7");

      // alert -> incident -> high-severity playbook: PagerDuty gets exactly the Events API v2 trigger
      await().atMost(Duration.ofSeconds(20)).until(() -> incidentOf(t, "203.0.113.7", analyst) > 0);
      long first = incidentOf(t, "203.0.113.7", analyst);
      await().atMost(Duration.ofSeconds(10)).until(() -> pages(pd, "trigger", first).size() == 1);
      RecordingServer.Request page = pages(pd, "trigger", first).get(0);
      assertThat(page.method()).isEqualTo("POST");
      assertThat(page.path()).isEqualTo("/v2/enqueue");
      assertThat(page.header("content-type")).startsWith("application/json");
      JsonNode body = page.json();
      assertThat(body.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
      assertThat(body.get("payload").get("severity").asText()).isEqualTo("critical");
      assertThat(body.get("payload").get("source").asText()).isEqualTo("phosor");
      assertThat(body.get("payload").get("summary").asText()).contains("203.0.113.7");

      // the address is on the firewall feed
      await().atMost(Duration.ofSeconds(10)).until(() -> t.get("/api/blocklist.txt?token=feed-token-0123456789abcdef",
          null).body().lines().toList().contains("203.0.113.7"));

      // Slack never answers: its action is still running, and a second attacker is detected, grouped and paged
      // while it hangs (the 60 s action timeout has not run out)
      await().atMost(Duration.ofSeconds(10)).until(() -> !slack.requests().isEmpty());
      long hangStarted = System.nanoTime();
      send(t, "198.51.100.23");
      await().atMost(Duration.ofSeconds(20)).until(() -> incidentOf(t, "198.51.100.23", analyst) > 0);
      long second = incidentOf(t, "198.51.100.23", analyst);
      await().atMost(Duration.ofSeconds(10)).until(() -> pages(pd, "trigger", second).size() == 1);
      assertThat(Duration.ofNanos(System.nanoTime() - hangStarted)).isLessThan(Duration.ofSeconds(30));
      JsonNode running = ok(t.get("/api/actions?type=alert&status=running", analyst));
      assertThat(running.toString()).contains("slack");

      // resolving the incident resolves the page, with the same dedup key
      ok(t.request("PATCH", "/api/incidents/" + first, analyst, "{\"status\": \"resolved\"}", "application/json"));
      await().atMost(Duration.ofSeconds(10)).until(() -> pages(pd, "resolve", first).size() == 1);
      JsonNode resolve = pages(pd, "resolve", first).get(0).json();
      assertThat(resolve.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
      assertThat(resolve.has("payload")).isFalse();

      // nothing repeated: one trigger per incident, whatever else joined it
      assertThat(pages(pd, "trigger", first)).hasSize(1);
      // and no secret in what the API shows about the actions
      String actions = t.get("/api/actions?limit=1000", analyst).body();
      assertThat(actions).doesNotContain("XXXXSECRET").doesNotContain(ROUTING_KEY);
    }
  }
}
