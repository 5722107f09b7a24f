package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.config.ConfigException;
import io.phosor.detect.Alert;
import io.phosor.event.Severity;
import io.phosor.incident.IncidentUpdate;
import io.phosor.store.IncidentStatus;
import io.phosor.store.StoredAlert;
import io.phosor.store.StoredIncident;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, response end to end on the real server: playbooks through the API (validated, written to the data
 * directory), manual actions with roles, the actions list, the blocklist and its token-checked firewall feed, the
 * engine fed by an incident update, detect-and-respond over stored events, and an invalid playbook file at start.
 */
class ResponseEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  @Test
  void manualActionsTheBlocklistAndItsFeedWorkWithRoles() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_BLOCK_ALLOWLIST", "127.0.0.0/8,10.0.0.0/8"))) {
      String block = "{\"action\": \"block_ip\", \"target\": \"203.0.113.7\", \"parameters\": {\"duration_seconds\": "
          + "3600, \"reason\": \"scanner\"}}";
      assertThat(t.post("/api/respond", t.viewer(), block).statusCode()).isEqualTo(403);

      HttpResponse<String> ran = t.post("/api/respond", t.analyst(), block);
      assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
      JsonNode action = JSON.readTree(ran.body());
      assertThat(action.get("status").asText()).isEqualTo("succeeded");
      assertThat(action.get("trigger").asText()).isEqualTo("manual:analyst");
      assertThat(action.get("attempts").asInt()).isEqualTo(1);
      assertThat(action.get("parameters").get("ip").asText()).isEqualTo("203.0.113.7");
      assertThat(action.get("outcome").asText()).startsWith("blocked 203.0.113.7 until ");

      JsonNode dry = JSON.readTree(t.post("/api/respond", t.analyst(), "{\"action\": \"block_ip\", \"target\": "
          + "\"198.51.100.9\", \"dry_run\": true}").body());
      assertThat(dry.get("status").asText()).isEqualTo("dry_run");
      assertThat(dry.get("outcome").asText()).isEqualTo("dry run (requested): would block 198.51.100.9 for 86400 s");
      JsonNode allowed = JSON.readTree(t.post("/api/respond", t.analyst(), "{\"action\": \"block_ip\", \"target\": "
          + "\"10.1.2.3\"}").body());
      assertThat(allowed.get("status").asText()).isEqualTo("refused");
      assertThat(allowed.get("outcome").asText()).isEqualTo("address is on the allow-list");
      JsonNode slack = JSON.readTree(t.post("/api/respond", t.analyst(), "{\"action\": \"alert\", \"target\": "
          + "\"slack\"}").body());
      assertThat(slack.get("outcome").asText()).isEqualTo("not configured");
      assertThat(t.post("/api/respond", t.analyst(), "{\"action\": \"block_ip\", \"target\": \"1.2.3.4;rm -rf /\"}")
          .statusCode()).isEqualTo(400);
      assertThat(t.post("/api/respond", t.analyst(), "{\"action\": \"reboot\"}").statusCode()).isEqualTo(400);
      assertThat(t.post("/api/respond", t.analyst(), "{\"action\": \"log\", \"colour\": 1}").statusCode())
          .isEqualTo(400);

      JsonNode listed = JSON.readTree(t.get("/api/actions?type=block_ip", t.viewer()).body()).get("actions");
      assertThat(listed).extracting(a -> a.get("status").asText()).containsExactly("refused", "dry_run", "succeeded");
      assertThat(JSON.readTree(t.get("/api/actions?status=dry_run", t.viewer()).body()).get("actions")).hasSize(1);
      assertThat(t.get("/api/actions?status=done", t.viewer()).statusCode()).isEqualTo(400);

      JsonNode entries = JSON.readTree(t.get("/api/blocklist", t.viewer()).body()).get("entries");
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).get("address").asText()).isEqualTo("203.0.113.7");
      assertThat(entries.get(0).get("reason").asText()).isEqualTo("scanner");
      assertThat(entries.get(0).get("added_by").asText()).isEqualTo("manual:analyst");

      HttpResponse<String> added = t.post("/api/blocklist", t.analyst(), "{\"ip\": \"2001:DB8::1\", "
          + "\"duration_seconds\": 600}");
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      assertThat(JSON.readTree(added.body()).get("entry").get("address").asText()).isEqualTo("2001:db8::1");
      assertThat(t.post("/api/blocklist", t.analyst(), "{\"ip\": \"127.0.0.1\"}").statusCode()).isEqualTo(422);
      assertThat(t.post("/api/blocklist", t.viewer(), "{\"ip\": \"192.0.2.1\"}").statusCode()).isEqualTo(403);

      // the feed: only with the feed token (header or query), plain text, one address per line
      String token = Files.readString(data.resolve("secrets/blocklist-feed.token")).trim();
      assertThat(Files.getPosixFilePermissions(data.resolve("secrets/blocklist-feed.token")))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      HttpResponse<String> feed = t.get("/api/blocklist.txt", "Bearer " + token);
      assertThat(feed.statusCode()).isEqualTo(200);
      assertThat(feed.headers().firstValue("Content-Type").orElseThrow().replace(" ", "")).isEqualToIgnoringCase(
          "text/plain;charset=utf-8");
      assertThat(feed.body()).isEqualTo("2001:db8::1\n203.0.113.7\n");
      assertThat(t.get("/api/blocklist.txt?token=" + token, null).body()).isEqualTo(feed.body());
      assertThat(t.get("/api/blocklist.txt", null).statusCode()).isEqualTo(401);
      assertThat(t.get("/api/blocklist.txt?token=wrong", null).statusCode()).isEqualTo(401);
      assertThat(t.get("/api/blocklist.txt", t.admin()).statusCode()).as("the API token is not the feed token")
          .isEqualTo(401);
      // each refusal is a security event in the audit log, without the token that was tried
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> t.get(
          "/api/audit?action=token.rejected&limit=1000", t.admin()).body().split("GET /api/blocklist.txt", -1).length - 1 == 3);
      assertThat(t.get("/api/audit?action=token.rejected&limit=1000", t.admin()).body())
          .contains("wrong blocklist feed token", "no blocklist feed token").doesNotContain("?token=wrong");

      assertThat(t.request("DELETE", "/api/blocklist/203.0.113.7", t.viewer(), null, null).statusCode())
          .isEqualTo(403);
      assertThat(t.request("DELETE", "/api/blocklist/203.0.113.7", t.analyst(), null, null).statusCode())
          .isEqualTo(200);
      assertThat(t.request("DELETE", "/api/blocklist/203.0.113.7", t.analyst(), null, null).statusCode())
          .isEqualTo(404);
      assertThat(t.get("/api/blocklist.txt", "Bearer " + token).body()).isEqualTo("2001:db8::1\n");
    }
  }

  @Test
  void playbooksAreValidatedSavedToTheDataDirectoryAndTakeEffectAtOnce() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      JsonNode all = JSON.readTree(t.get("/api/playbooks", t.viewer()).body()).get("playbooks");
      assertThat(all).extracting(p -> p.get("id").asText()).containsExactly("high-severity", "low-severity",
          "medium-severity");
      assertThat(t.get("/api/playbooks/high-severity", t.viewer()).statusCode()).isEqualTo(200);

      String yaml = "id: scanners\nname: Block scanners\ntrigger:\n  severity: low\n  rules: [port-scan]\n"
          + "actions:\n  - type: block_ip\n    duration_seconds: 600\n";
      assertThat(t.request("POST", "/api/playbooks", t.analyst(), yaml, "application/yaml").statusCode())
          .isEqualTo(403);
      HttpResponse<String> created = t.request("POST", "/api/playbooks", t.adminUser(), yaml, "application/yaml");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(data.resolve("playbooks/scanners.yml")).exists();
      assertThat(t.request("POST", "/api/playbooks", t.adminUser(), yaml, "application/yaml").statusCode())
          .isEqualTo(409);

      HttpResponse<String> bad = t.request("PUT", "/api/playbooks/scanners", t.adminUser(), "{\"name\": \"x\", "
          + "\"trigger\": {\"severity\": \"huge\"}, \"actions\": [{\"type\": \"alert\", \"channels\": [\"fax\"]}]}",
          "application/json");
      assertThat(bad.statusCode()).isEqualTo(400);
      JsonNode problems = JSON.readTree(bad.body());
      assertThat(problems.get("error").asText()).isEqualTo("invalid_playbook");
      assertThat(problems.get("problems")).extracting(JsonNode::asText).containsExactly(
          "playbook 'scanners': trigger.severity must be informational, low, medium, high or critical, was 'huge'",
          "playbook 'scanners': actions[0] (alert): unknown channel 'fax' (known: pagerduty, slack, teams, email, "
              + "webhook)");

      HttpResponse<String> replaced = t.request("PUT", "/api/playbooks/scanners", t.adminUser(), "{\"name\": "
          + "\"Scanners\", \"enabled\": false, \"trigger\": {\"severity\": \"low\"}, \"actions\": [{\"type\": \"log\"}]}",
          "application/json");
      assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
      assertThat(JSON.readTree(t.get("/api/playbooks/scanners", t.viewer()).body()).get("enabled").asBoolean())
          .isFalse();
      assertThat(Files.readString(data.resolve("playbooks/scanners.yml"))).contains("enabled: false");

      assertThat(t.request("DELETE", "/api/playbooks/scanners", t.adminUser(), null, null).statusCode())
          .isEqualTo(204);
      assertThat(t.get("/api/playbooks/scanners", t.viewer()).statusCode()).isEqualTo(404);
      assertThat(data.resolve("playbooks/scanners.yml")).doesNotExist();
    }
  }

  @Test
  void anIncidentUpdateRunsThePlaybooksAndTheActionsAreListed() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      var store = t.server().store();
      Instant now = Instant.now();
      StoredAlert alert = store.alerts().insertAll(List.of(new Alert("ssh-brute-force", "SSH brute force",
          Severity.HIGH, List.of("attack.t1110"), Map.of("source.ip", "203.0.113.50"), now, now, 5, List.of(1L),
          "5 failed logins"))).get(0);
      StoredIncident incident = store.incidents().create("SSH brute force from 203.0.113.50", Severity.HIGH, "ip",
          "203.0.113.50", "system");
      store.incidents().linkAlert(incident.id(), alert.id(), "system");

      long started = System.nanoTime();
      t.server().response().listener().onUpdate(new IncidentUpdate(incident, List.of(alert), true,
          IncidentStatus.OPEN, "system"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

      await().atMost(Duration.ofSeconds(15)).until(() -> {
        JsonNode a = JSON.readTree(t.get("/api/actions?incident_id=" + incident.id() + "&type=block_ip",
            t.viewer()).body()).get("actions");
        return a.size() == 1 && a.get(0).get("status").asText().equals("succeeded");
      });
      JsonNode actions = JSON.readTree(t.get("/api/actions?incident_id=" + incident.id(), t.viewer()).body())
          .get("actions");
      assertThat(actions).extracting(a -> a.get("type").asText() + " " + a.get("status").asText())
          .contains("block_ip succeeded", "disable_account refused", "alert refused", "log succeeded");
      assertThat(actions).allSatisfy(a -> assertThat(a.get("trigger").asText()).startsWith("playbook:"));
      assertThat(t.get("/api/blocklist", t.viewer()).body()).contains("203.0.113.50");
    }
  }

  @Test
  void detectAndRespondStoresWhatFiresOnceAndNeedsARange() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_BUILTIN_RULES", "false"))) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        body.append("{\"message\": \"login failed for user alice\", \"user\": \"alice\", \"src_ip\": \"192.0.2.8\"}\n");
      }
      assertThat(t.post("/api/webhook/dr", TestServer.ingest(), body.toString()).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(15)).until(() -> JSON.readTree(t.get("/api/events/search?q=*&limit=100",
          t.admin()).body()).get("events").size() == 12);
      String rule = "{\"id\": \"bf\", \"name\": \"Backfill\", \"type\": \"threshold\", \"severity\": \"high\", "
          + "\"enabled\": false, \"group_by\": \"user.name\", \"config\": {\"match\": {\"field\": \"message\", "
          + "\"contains\": \"failed\"}, \"count\": 10, \"window_seconds\": 600}}";
      assertThat(t.request("POST", "/api/rules", t.admin(), rule, "application/json").statusCode()).isEqualTo(201);
      String range = "from=" + enc(Instant.now().minusSeconds(3600).toString()) + "&to="
          + enc(Instant.now().plusSeconds(60).toString()) + "&rule=bf";

      assertThat(t.post("/api/detect-and-respond?" + range, t.viewer(), "").statusCode()).isEqualTo(403);
      HttpResponse<String> first = t.post("/api/detect-and-respond?" + range, t.analyst(), "");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      JsonNode r = JSON.readTree(first.body());
      assertThat(r.get("events_scanned").asInt()).isEqualTo(12);
      assertThat(r.get("alerts_found").asInt()).isEqualTo(1);
      assertThat(r.get("alerts_new").asInt()).isEqualTo(1);
      assertThat(r.get("alerts").get(0).get("rule").asText()).isEqualTo("bf");
      JsonNode again = JSON.readTree(t.post("/api/detect-and-respond?" + range, t.analyst(), "").body());
      assertThat(again.get("alerts_found").asInt()).isEqualTo(1);
      assertThat(again.get("alerts_new").asInt()).as("fingerprints: nothing raised twice").isZero();
      assertThat(JSON.readTree(t.get("/api/alerts", t.viewer()).body()).get("alerts")).hasSize(1);
      assertThat(t.post("/api/detect-and-respond", t.analyst(), "").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void anInvalidPlaybookFileStopsStartUpNamingTheFile() throws Exception {
    Files.createDirectories(data.resolve("playbooks"));
    Files.writeString(data.resolve("playbooks/bad.yml"), "id: bad\nname: b\ntrigger: {severity: low}\nactions: "
        + "[{type: nuke}]\n");
    assertThatThrownBy(() -> TestServer.start(data, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessage("invalid playbook: " + data.resolve("playbooks/bad.yml") + ": playbook 'bad': actions[0]: unknown "
            + "action type 'nuke' (known: alert, block_ip, disable_account, log)");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
