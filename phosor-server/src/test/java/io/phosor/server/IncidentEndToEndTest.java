package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.live.FeedClient;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end: sshd failures over syslog fire two built-in rules for one address, and the alerts become
 * one incident on /api/incidents and /ws/events; an analyst assigns, acknowledges, annotates and resolves it
 * (timeline, audit log, live feed), a viewer may read but not change it.
 */
class IncidentEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IP = "203.0.113.7";

  @TempDir
  Path data;

  private static String failures(int n, String ip) {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("<38>").append(stamp).append(" srv1 sshd[4242]: Failed password for root from ").append(ip)
          .append(" port ").append(40000 + i).append(" ssh2\n");
    }
    return sb.toString();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  @Test
  void sshBruteForceAlertsAboutOneAddressBecomeOneIncidentThatAnAnalystWorksThrough() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_SEARCH_ENABLED", "false"));
        FeedClient feed = FeedClient.connect(t.server().httpPort(), t.server().apiToken())) {
      feed.send("{\"subscribe\": [\"incident\"]}");
      await().until(() -> !feed.ofType("subscribed").isEmpty());
      try (Socket s = new Socket("127.0.0.1", t.server().syslogTcpPort()); OutputStream out = s.getOutputStream()) {
        out.write(failures(5, IP).getBytes(StandardCharsets.UTF_8));
        out.write(failures(1, "198.51.100.9").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      String viewer = t.viewer();
      String analyst = t.analyst();

      // ssh-failed-login (medium) on the first failure, ssh-brute-force (critical) on the fifth: one incident
      await().atMost(Duration.ofSeconds(15)).until(() -> {
        JsonNode list = json(t.get("/api/incidents?entity=" + IP, viewer)).get("incidents");
        return list.size() == 1 && list.get(0).get("alert_count").asInt() >= 2;
      });
      JsonNode list = ok(t.get("/api/incidents?entity_type=ip&entity=" + IP, viewer)).get("incidents");
      assertThat(list).hasSize(1);
      JsonNode item = list.get(0);
      long id = item.get("id").asLong();
      assertThat(item.get("title").asText()).endsWith(" from " + IP);
      assertThat(item.get("severity").asText()).isEqualTo("critical");
      assertThat(item.get("status").asText()).isEqualTo("open");
      assertThat(item.get("entity_type").asText()).isEqualTo("ip");
      assertThat(item.get("created_by").asText()).isEqualTo("system");
      assertThat(item.get("assignee").isNull()).isTrue();
      assertThat(item.get("last_alert_at").asText()).isNotEmpty();
      assertThat(ok(t.get("/api/incidents?severity=critical", viewer)).get("incidents")).hasSize(1);
      assertThat(ok(t.get("/api/incidents?status=resolved", viewer)).get("incidents")).isEmpty();
      await().until(() -> ok(t.get("/api/stats", viewer)).get("open_incidents").asLong() == 2);

      JsonNode detail = ok(t.get("/api/incidents/" + id, viewer));
      assertThat(texts(detail.get("alerts"), "rule")).contains("ssh-brute-force", "ssh-failed-login");
      assertThat(detail.get("alerts")).allSatisfy(a -> {
        assertThat(a.get("group").get("source.ip").asText()).isEqualTo(IP);
        assertThat(a.get("status").asText()).isEqualTo("open");
      });
      assertThat(texts(detail.get("timeline"), "kind")).startsWith("created", "alert_linked").contains("severity_raised");
      // the default playbooks ran for it (the response engine listens to the incidents): the address is blocked
      await().until(() -> texts(ok(t.get("/api/incidents/" + id, viewer)).get("actions"), "type").contains("block_ip"));

      // the live feed carried the incident as it opened
      await().until(() -> feed.ofType("incident").stream().anyMatch(m -> m.get("data").get("id").asLong() == id
          && m.get("data").get("change").asText().equals("created")));

      // a viewer reads but does not change
      HttpResponse<String> refused = t.request("PATCH", "/api/incidents/" + id, viewer, "{\"status\": \"resolved\"}",
          "application/json");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(t.post("/api/incidents/" + id + "/notes", viewer, "{\"text\": \"x\"}").statusCode()).isEqualTo(403);

      // bad requests change nothing and say why
      assertThat(patch(t, analyst, id, "{\"state\": \"resolved\"}").body()).contains("unknown field 'state'");
      assertThat(patch(t, analyst, id, "{\"status\": \"closed\"}").body()).contains("open, acknowledged or resolved");
      assertThat(patch(t, analyst, id, "{\"assignee\": \"nobody\"}").body()).contains("no user named 'nobody'");
      assertThat(patch(t, analyst, id, "{\"note\": \"\"}").statusCode()).isEqualTo(400);
      assertThat(patch(t, analyst, id, "{}").statusCode()).isEqualTo(400);
      assertThat(patch(t, analyst, id, "[1]").statusCode()).isEqualTo(400);
      assertThat(patch(t, analyst, 999_999, "{\"status\": \"resolved\"}").statusCode()).isEqualTo(404);
      assertThat(t.get("/api/incidents/999999", viewer).statusCode()).isEqualTo(404);
      assertThat(t.get("/api/incidents?severity=urgent", viewer).statusCode()).isEqualTo(400);
      assertThat(t.get("/api/incidents?entity_type=planet", viewer).statusCode()).isEqualTo(400);
      assertThat(t.get("/api/incidents?limit=0", viewer).statusCode()).isEqualTo(400);
      assertThat(ok(t.get("/api/incidents/" + id, viewer)).get("timeline")).hasSameSizeAs(detail.get("timeline"));

      // the analyst takes it, acknowledges it, writes notes, resolves it
      HttpResponse<String> taken = patch(t, analyst, id, "{\"assignee\": \"analyst\", \"status\": \"acknowledged\"}");
      assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
      assertThat(json(taken).get("assignee").asText()).isEqualTo("analyst");
      assertThat(json(taken).get("status").asText()).isEqualTo("acknowledged");
      HttpResponse<String> note = t.post("/api/incidents/" + id + "/notes", analyst, "{\"text\": \"blocked at edge-1\"}");
      assertThat(note.statusCode()).as(note.body()).isEqualTo(201);
      assertThat(json(note).get("kind").asText()).isEqualTo("note");
      assertThat(json(note).get("detail").get("text").asText()).isEqualTo("blocked at edge-1");
      JsonNode resolved = ok(patch(t, analyst, id, "{\"status\": \"resolved\", \"note\": \"false positive: pentest\"}"));
      assertThat(resolved.get("status").asText()).isEqualTo("resolved");
      assertThat(resolved.get("alerts")).allSatisfy(a -> {
        assertThat(a.get("status").asText()).isEqualTo("resolved");
        assertThat(a.get("resolved_by").asText()).isEqualTo("analyst");
      });
      List<String> kinds = texts(resolved.get("timeline"), "kind");
      assertThat(kinds.subList(kinds.size() - 6, kinds.size())).containsExactly("assigned", "status_changed", "note",
          "status_changed", "alerts_resolved", "note");
      JsonNode last = resolved.get("timeline").get(kinds.size() - 3);
      assertThat(last.get("by").asText()).isEqualTo("analyst");
      assertThat(last.get("detail").get("from").asText()).isEqualTo("acknowledged");
      assertThat(last.get("detail").get("to").asText()).isEqualTo("resolved");
      // unassigning with null
      assertThat(ok(patch(t, analyst, id, "{\"assignee\": null}")).get("assignee").isNull()).isTrue();
      await().until(() -> ok(t.get("/api/stats", viewer)).get("open_incidents").asLong() == 1);

      // every change is audited with the incident as its target
      await().until(() -> audit(t).size() == 6);
      assertThat(audit(t)).extracting(e -> e.get("action").asText() + " " + e.get("actor").asText() + " "
          + e.get("target").asText()).containsExactly(
              "incident.assign analyst " + id,
              "incident.status analyst " + id,
              "incident.note analyst " + id,
              "incident.status analyst " + id,
              "incident.note analyst " + id,
              "incident.assign analyst " + id);

      // and pushed to the live feed
      await().until(() -> feed.ofType("incident").stream().anyMatch(m -> m.get("data").get("change").asText()
          .equals("status_changed") && m.get("data").get("status").asText().equals("resolved")));
      JsonNode pushed = feed.ofType("incident").stream().filter(m -> m.get("data").get("change").asText()
          .equals("status_changed") && m.get("data").get("status").asText().equals("resolved")).findFirst()
          .orElseThrow().get("data");
      assertThat(pushed.get("previous_status").asText()).isEqualTo("acknowledged");
      assertThat(pushed.get("by").asText()).isEqualTo("analyst");
      assertThat(pushed.get("id").asLong()).isEqualTo(id);
      assertThat(feed.ofType("incident")).extracting(m -> m.get("data").get("change").asText())
          .contains("assigned", "note");
      assertThat(ok(t.get("/health", null)).get("components").get("incidents").get("status").asText())
          .isEqualTo("ok");
      String metrics = t.get("/metrics", t.admin()).body();
      assertThat(metrics).contains("phosor_incidents_opened_total 2.0").contains("phosor_incidents_lag_alerts 0.0");
    }
  }

  @Test
  void afterARestartTheWorkerResumesAndOldAlertsAreNotGroupedAgain() throws Exception {
    restartResumes(Map.of("PHOSOR_SEARCH_ENABLED", "false"));
  }

  @Test
  void onPostgresqlTooARestartResumesWithoutGroupingAgain() throws Exception {
    try (TestDatabases db = TestDatabases.schema("onPostgresqlTooARestartResumesWithoutGroupingAgain")) {
      restartResumes(Map.of("PHOSOR_SEARCH_ENABLED", "false", "PHOSOR_DATABASE_URL", db.url(null)));
    }
  }

  private void restartResumes(Map<String, String> env) throws Exception {
    long id;
    int alerts;
    try (TestServer t = TestServer.start(data, env)) {
      try (Socket s = new Socket("127.0.0.1", t.server().syslogTcpPort()); OutputStream out = s.getOutputStream()) {
        out.write(failures(5, IP).getBytes(StandardCharsets.UTF_8));
      }
      await().atMost(Duration.ofSeconds(15)).until(() -> t.server().alerts().total() >= 2
          && t.server().incidents().processedThrough() >= t.server().alerts().total());
      JsonNode item = json(t.get("/api/incidents", t.admin())).get("incidents").get(0);
      id = item.get("id").asLong();
      alerts = item.get("alert_count").asInt();
    }
    try (TestServer t = TestServer.start(data, env)) {
      assertThat(t.server().incidents().awaitProcessed(1, Duration.ofSeconds(10))).isTrue();
      JsonNode list = ok(t.get("/api/incidents", t.admin())).get("incidents");
      assertThat(list).hasSize(1);
      assertThat(list.get(0).get("id").asLong()).isEqualTo(id);
      assertThat(list.get(0).get("alert_count").asInt()).isEqualTo(alerts);
      JsonNode detail = ok(t.get("/api/incidents/" + id, t.admin()));
      assertThat(texts(detail.get("timeline"), "kind").stream().filter("alert_linked"::equals)).hasSize(alerts);
    }
  }

  private static List<JsonNode> audit(TestServer t) throws Exception {
    HttpResponse<String> r = t.get("/api/audit?action=incident.*", t.admin());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    json(r).get("entries").forEach(out::add);
    java.util.Collections.reverse(out); // oldest first
    return out;
  }

  private static HttpResponse<String> patch(TestServer t, String auth, long id, String body) throws Exception {
    return t.request("PATCH", "/api/incidents/" + id, auth, body, "application/json");
  }
}
