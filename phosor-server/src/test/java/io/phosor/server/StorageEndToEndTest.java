package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import io.phosor.testkit.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 end to end, on both stores: alerts raised by the engine are stored and listed, acknowledged and
 * resolved, and survive a restart; rules created through /api/rules are stored, take effect in the running
 * engine without a restart, can be changed, toggled and deleted, keep their history, and survive a restart.
 */
class StorageEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARKER_RULE = """
      {"id": "e2e-marker", "name": "E2E marker", "type": "pattern", "severity": "high",
       "config": {"field": "message", "regex": "phosor-e2e-marker"}}
      """;
  private static final String YAML_RULE = """
      id: e2e-yaml
      name: E2E yaml rule
      type: threshold
      severity: medium
      group_by: user.name
      config:
        match: {field: message, regex: 'yaml-marker'}
        count: 2
        window_seconds: 60
      """;

  @TempDir
  Path data;

  @Test
  void alertsAndRulesLiveInSqliteAndSurviveARestart() throws Exception {
    exercise(Map.of());
  }

  @Test
  void alertsAndRulesLiveInPostgresqlAndSurviveARestart() throws Exception {
    try (TestDatabases db = TestDatabases.schema("alertsAndRulesLiveInPostgresqlAndSurviveARestart")) {
      exercise(Map.of("PHOSOR_DATABASE_URL", db.url(null)));
    }
  }

  private void exercise(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    env.put("PHOSOR_BUILTIN_RULES", "true");
    long firstAlert;
    try (TestServer t = TestServer.start(data, env)) {
      String admin = t.admin();
      int builtinCount = json(t.get("/api/stats", admin)).get("active_rules").asInt();
      assertThat(builtinCount).isGreaterThan(10);

      // create (JSON, the seed's format): in force at once
      HttpResponse<String> created = t.request("POST", "/api/rules", admin, MARKER_RULE, "application/json");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(json(created).get("version").asInt()).isEqualTo(1);
      assertThat(json(created).get("origin").asText()).isEqualTo("api");
      send(t, "first phosor-e2e-marker");
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "?rule=e2e-marker").size() == 1);
      JsonNode alert = alerts(t, "?rule=e2e-marker").get(0);
      firstAlert = alert.get("id").asLong();
      assertThat(alert.get("status").asText()).isEqualTo("open");
      assertThat(alert.get("severity").asText()).isEqualTo("high");

      // YAML, threshold with group_by
      HttpResponse<String> yaml = t.request("POST", "/api/rules", admin, YAML_RULE, "application/yaml");
      assertThat(yaml.statusCode()).as(yaml.body()).isEqualTo(201);
      send(t, "{\"message\": \"yaml-marker one\", \"user\": \"alice\"}");
      send(t, "{\"message\": \"yaml-marker two\", \"user\": \"alice\"}");
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "?rule=e2e-yaml").size() == 1);
      assertThat(alerts(t, "?rule=e2e-yaml").get(0).get("group").get("user.name").asText()).isEqualTo("alice");

      // filters: severity and status; newest first
      assertThat(alerts(t, "?severity=medium")).extracting(a -> a.get("rule").asText()).containsOnly("e2e-yaml");
      JsonNode all = alerts(t, "?limit=100");
      assertThat(all.get(0).get("id").asLong()).isGreaterThan(all.get(all.size() - 1).get("id").asLong());

      // acknowledge (seed path) and resolve
      HttpResponse<String> ack = t.post("/api/alerts/" + firstAlert + "/acknowledge", admin, "");
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
      assertThat(json(ack).get("status").asText()).isEqualTo("acknowledged");
      assertThat(json(ack).get("acknowledged_by").asText()).isNotBlank();
      assertThat(alerts(t, "?status=acknowledged")).extracting(a -> a.get("id").asLong()).containsExactly(firstAlert);
      assertThat(t.post("/api/alerts/999999/acknowledge", admin, "").statusCode()).isEqualTo(404);

      // update: the new regex is in force without a restart
      HttpResponse<String> updated = t.request("PUT", "/api/rules/e2e-marker", admin,
          MARKER_RULE.replace("phosor-e2e-marker", "phosor-e2e-changed"), "application/json");
      assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
      assertThat(json(updated).get("version").asInt()).isEqualTo(2);
      send(t, "second phosor-e2e-changed");
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "?rule=e2e-marker").size() == 2);

      // toggle off: no alert; bad rules are refused with the reason
      HttpResponse<String> off = t.post("/api/rules/e2e-marker/toggle", admin, "");
      assertThat(json(off).get("enabled").asBoolean()).isFalse();
      HttpResponse<String> bad = t.request("POST", "/api/rules", admin,
          "{\"id\": \"bad\", \"name\": \"Bad\", \"type\": \"threshold\", \"severity\": \"low\", \"config\": "
              + "{\"field\": \"message\", \"value\": \"x\", \"count\": 0, \"window_seconds\": 60}}", "application/json");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("invalid_rule").contains("count");
      assertThat(t.request("POST", "/api/rules", admin, MARKER_RULE, "application/json").statusCode()).isEqualTo(409);

      // a built-in rule can be disabled but not deleted
      String builtinId = json(t.get("/api/rules", admin)).get("rules").get(0).get("id").asText();
      assertThat(t.request("DELETE", "/api/rules/" + builtinId, admin, null, null).statusCode()).isEqualTo(409);
      assertThat(json(t.post("/api/rules/" + builtinId + "/toggle", admin, "")).get("enabled").asBoolean()).isFalse();

      // delete the YAML rule; its history stays
      assertThat(t.request("DELETE", "/api/rules/e2e-yaml", admin, null, null).statusCode()).isEqualTo(204);
      assertThat(t.get("/api/rules/e2e-yaml", admin).statusCode()).isEqualTo(404);
      JsonNode history = json(t.get("/api/rules/e2e-yaml/history", admin)).get("history");
      assertThat(history).extracting(h -> h.get("change").asText()).containsExactly("created", "deleted");

      JsonNode stats = json(t.get("/api/stats", admin));
      assertThat(stats.get("total_alerts").asLong()).isEqualTo(3);
      assertThat(stats.get("active_rules").asInt()).isEqualTo(builtinCount - 1);
    }
    // everything survives a restart
    try (TestServer t = TestServer.start(data, env)) {
      String admin = t.admin();
      assertThat(alerts(t, "?limit=100")).hasSize(3);
      assertThat(alerts(t, "?status=acknowledged")).extracting(a -> a.get("id").asLong()).containsExactly(firstAlert);
      JsonNode rule = json(t.get("/api/rules/e2e-marker", admin));
      assertThat(rule.get("enabled").asBoolean()).isFalse();
      assertThat(rule.get("version").asInt()).isEqualTo(3);
      assertThat(rule.get("source").asText()).contains("phosor-e2e-changed");
      JsonNode stats = json(t.get("/api/stats", admin));
      assertThat(stats.get("total_alerts").asLong()).isEqualTo(3);
      HttpResponse<String> on = t.post("/api/rules/e2e-marker/toggle", admin, "");
      assertThat(json(on).get("enabled").asBoolean()).isTrue();
      send(t, "third phosor-e2e-changed");
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "?rule=e2e-marker").size() == 3);
    }
  }

  @Test
  void newValueBaselinesAreKeptInTheStoreAcrossRestarts() throws Exception {
    String rule = """
        {"id": "e2e-new-ip", "name": "New address for a user", "type": "new_value", "severity": "medium",
         "group_by": "user.name", "config": {"match": {"field": "message", "contains": "login"}, "field": "source.ip",
         "learning_seconds": 0}}
        """;
    Map<String, String> env = Map.of("PHOSOR_BUILTIN_RULES", "false");
    try (TestServer t = TestServer.start(data, env)) {
      assertThat(t.request("POST", "/api/rules", t.admin(), rule, "application/json").statusCode()).isEqualTo(201);
      send(t, "{\"message\": \"login ok\", \"user\": \"alice\", \"src_ip\": \"198.51.100.1\"}");
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "?rule=e2e-new-ip").size() == 1);
    }
    try (TestServer t = TestServer.start(data, env)) {
      send(t, "{\"message\": \"login ok\", \"user\": \"alice\", \"src_ip\": \"198.51.100.1\"}");
      send(t, "{\"message\": \"login ok\", \"user\": \"alice\", \"src_ip\": \"198.51.100.2\"}");
      send(t, "{\"message\": \"login ok\", \"user\": \"bob\", \"src_ip\": \"198.51.100.9\"}");
      // bob's alert comes after everything sent before it: then alice's known address has raised nothing
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "?rule=e2e-new-ip").get(0).get("summary").asText()
          .contains("198.51.100.9"));
      assertThat(alerts(t, "?rule=e2e-new-ip")).extracting(a -> a.get("summary").asText())
          .as("the first run's alert, the new address, bob; not alice's known address again").hasSize(3)
          .anyMatch(x -> x.contains("198.51.100.2"));
    }
  }

  @Test
  void whilePostgresqlIsAwayIngestionGoesOnHealthSaysDegradedAndEveryAlertIsStoredOnceWhenItIsBack() throws Exception {
    try (TestDatabases db = TestDatabases.schema("whilePostgresqlIsAway");
        TcpProxy proxy = new TcpProxy("127.0.0.1", db.port()).start();
        TestServer t = TestServer.start(data, Map.of("PHOSOR_BUILTIN_RULES", "false",
            "PHOSOR_DATABASE_URL", db.url("127.0.0.1:" + proxy.port())))) {
      assertThat(t.request("POST", "/api/rules", t.admin(), MARKER_RULE, "application/json").statusCode())
          .isEqualTo(201);
      send(t, "before phosor-e2e-marker");
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "").size() == 1);

      proxy.stop();
      for (int i = 0; i < 5; i++) {
        send(t, "during-" + i + " phosor-e2e-marker"); // accepted: the journal has them
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode h = json(t.get("/health", null));
        assertThat(h.get("status").asText()).isEqualTo("degraded");
        assertThat(h.toString()).contains("unreachable").doesNotContain("password");
      });
      assertThat(t.get("/api/alerts", t.admin()).statusCode()).isEqualTo(503);

      proxy.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        HttpResponse<String> r = t.get("/api/alerts?limit=100", t.admin());
        return r.statusCode() == 200 && JSON.readTree(r.body()).get("alerts").size() >= 6;
      });
      JsonNode all = alerts(t, "?limit=100");
      assertThat(all).hasSize(6);
      assertThat(all).extracting(a -> a.get("event_ids").get(0).asLong()).doesNotHaveDuplicates();
      await().atMost(Duration.ofSeconds(30)).until(() -> json(t.get("/health", null)).get("status").asText()
          .equals("ok"));
    }
  }

  @Test
  void anUnreachableDatabaseStopsStartUpWithOneClearLineAndNoPassword() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(data, Map.of("PHOSOR_DATABASE_URL",
        "postgresql://phosor:s3cret-pw@127.0.0.1:1/phosor")).close())
        .isInstanceOf(io.phosor.config.ConfigException.class)
        .hasMessageContaining("cannot open the database").hasMessageContaining("127.0.0.1:1")
        .hasMessageNotContaining("s3cret-pw");
  }

  private static void send(TestServer t, String body) throws Exception {
    String b = body.startsWith("{") ? body : "{\"message\": \"" + body + "\"}";
    HttpResponse<String> r = t.post("/api/webhook/e2e", TestServer.ingest(), b);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static JsonNode alerts(TestServer t, String query) throws Exception {
    HttpResponse<String> r = t.get("/api/alerts" + query, t.admin());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("alerts");
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }
}
