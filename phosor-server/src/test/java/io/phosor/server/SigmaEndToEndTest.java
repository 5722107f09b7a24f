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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 end to end, on both stores: Sigma YAML imported through POST /api/rules/import (dry run first),
 * stored as Sigma, running in the engine (a correlation over an imported detection rule fires on real sshd
 * lines, the referenced rule stays silent), refused for a viewer and for text that is not YAML, and still
 * there after a restart.
 */
class SigmaEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIGMA = """
      title: E2E sshd failed password
      id: 7d5c1a52-3d0e-4b7e-9a55-2b1f0c1d9e01
      name: e2e_failed
      logsource:
        product: linux
        service: sshd
      detection:
        keywords:
          - 'Failed password'
        condition: keywords
      level: low
      ---
      title: E2E many failed passwords for one user
      id: 7d5c1a52-3d0e-4b7e-9a55-2b1f0c1d9e02
      correlation:
        type: event_count
        rules: [e2e_failed]
        group-by: [User]
        timespan: 10m
        condition:
          gte: 3
      level: high
      tags: [attack.credential_access, attack.t1110]
      falsepositives: [a user who forgot the password]
      ---
      title: E2E Windows process creation
      logsource:
        product: windows
        category: process_creation
      detection:
        s:
          Image|endswith: '\\\\whoami.exe'
        condition: s
      """;
  private static final String CORR = "7d5c1a52-3d0e-4b7e-9a55-2b1f0c1d9e02";
  private static final String BASE = "7d5c1a52-3d0e-4b7e-9a55-2b1f0c1d9e01";

  @TempDir
  Path data;

  @Test
  void sigmaImportRunsOnSqlite() throws Exception {
    exercise(Map.of());
  }

  @Test
  void sigmaImportRunsOnPostgresql() throws Exception {
    try (TestDatabases db = TestDatabases.schema("sigmaImportRunsOnPostgresql")) {
      exercise(Map.of("PHOSOR_DATABASE_URL", db.url(null)));
    }
  }

  private void exercise(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    env.put("PHOSOR_BUILTIN_RULES", "false");
    try (TestServer t = TestServer.start(data, env)) {
      String admin = t.admin();
      HttpResponse<String> dry = t.request("POST", "/api/rules/import?dry_run=true&file=e2e.yml", admin, SIGMA,
          "application/yaml");
      assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
      JsonNode d = JSON.readTree(dry.body());
      assertThat(d.get("dry_run").asBoolean()).isTrue();
      assertThat(d.get("imported").asInt()).isZero();
      assertThat(d.get("unsupported").asInt()).isEqualTo(1);
      assertThat(d.get("rules")).hasSize(3);
      assertThat(d.get("rules").get(0).get("status").asText()).isEqualTo("supported");
      assertThat(d.get("rules").get(0).get("action").asText()).isEqualTo("created");
      assertThat(d.get("rules").get(2).get("status").asText()).isEqualTo("unsupported");
      assertThat(d.get("rules").get(2).get("reason").asText()).contains("product=windows category=process_creation");
      assertThat(t.get("/api/rules/" + CORR, admin).statusCode()).isEqualTo(404);

      HttpResponse<String> imp = t.request("POST", "/api/rules/import?file=e2e.yml", admin, SIGMA, "application/yaml");
      assertThat(imp.statusCode()).as(imp.body()).isEqualTo(200);
      JsonNode i = JSON.readTree(imp.body());
      assertThat(i.get("imported").asInt()).isEqualTo(2);
      assertThat(i.get("rules").get(0).get("enabled").asBoolean()).isFalse(); // generate: false
      assertThat(i.get("rules").get(1).get("falsepositives").get(0).asText()).contains("forgot");
      JsonNode rule = JSON.readTree(t.get("/api/rules/" + CORR, admin).body());
      assertThat(rule.get("format").asText()).isEqualTo("sigma");
      assertThat(rule.get("type").asText()).isEqualTo("event_count");
      assertThat(rule.get("source").asText()).startsWith("title: E2E many failed passwords");
      // importing the same text again changes nothing
      JsonNode again = JSON.readTree(t.request("POST", "/api/rules/import", admin, SIGMA, "application/yaml").body());
      assertThat(again.get("rules").get(1).get("action").asText()).isEqualTo("unchanged");

      for (int n = 0; n < 3; n++) {
        line(t, "Nov 21 10:00:0" + n + " web1 sshd[40" + n + "]: Failed password for root from 203.0.113.7 port 5000"
            + n + " ssh2");
      }
      line(t, "Nov 21 10:00:05 web1 sshd[410]: Failed password for alice from 203.0.113.7 port 50010 ssh2");
      await().atMost(Duration.ofSeconds(10)).until(() -> alerts(t, "?rule=" + CORR).size() == 1);
      JsonNode alert = alerts(t, "?rule=" + CORR).get(0);
      assertThat(alert.get("severity").asText()).isEqualTo("high");
      assertThat(alert.get("group").get("user.name").asText()).isEqualTo("root");
      assertThat(alert.get("tags").toString()).contains("attack.t1110");
      assertThat(alert.get("rule_falsepositives").get(0).asText()).isEqualTo("a user who forgot the password");
      assertThat(alerts(t, "?rule=" + BASE)).isEmpty();

      // a stored Sigma rule's text, edited and tested unsaved, replaces the stored version in the test
      String edited = JSON.writeValueAsString(Map.of("rule", SIGMA.substring(0, SIGMA.indexOf("---")), "lines",
          java.util.List.of("<38>Nov 21 10:00:00 web1 sshd[1]: Failed password for root from 203.0.113.7 port 1 ssh2")));
      HttpResponse<String> same = t.request("POST", "/api/rules/test", admin, edited, "application/json");
      assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
      assertThat(JSON.readTree(same.body()).get("alerts")).hasSize(1);
      // an unsaved Sigma document (and an unsaved YAML rule) can be tested as text
      String unsaved = "title: Unsaved sshd test\nlogsource:\n  product: linux\n  service: sshd\ndetection:\n"
          + "  k:\n    - 'Accepted password'\n  condition: k\n";
      String req = JSON.writeValueAsString(Map.of("rule", unsaved, "lines", java.util.List.of(
          "<38>Nov 21 10:00:00 web1 sshd[1]: Accepted password for root from 203.0.113.7 port 1 ssh2",
          "<38>Nov 21 10:00:01 web1 sshd[1]: Failed password for root from 203.0.113.7 port 1 ssh2")));
      HttpResponse<String> tested = t.request("POST", "/api/rules/test", admin, req, "application/json");
      assertThat(tested.statusCode()).as(tested.body()).isEqualTo(200);
      assertThat(JSON.readTree(tested.body()).get("alerts")).hasSize(1);
      String windows = JSON.writeValueAsString(Map.of("rule", unsaved.replace("product: linux\n  service: sshd",
          "product: windows\n  category: process_creation"), "lines", java.util.List.of("x")));
      HttpResponse<String> refused = t.request("POST", "/api/rules/test", admin, windows, "application/json");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("unsupported Sigma rule");
      String yaml = JSON.writeValueAsString(Map.of("rule", "name: Y\ntype: pattern\nseverity: low\n"
          + "config: {match: {field: message, contains: Failed}}\n", "lines", java.util.List.of(
          "<38>Nov 21 10:00:01 web1 sshd[1]: Failed password for root from 203.0.113.7 port 1 ssh2")));
      assertThat(JSON.readTree(t.request("POST", "/api/rules/test", admin, yaml, "application/json").body())
          .get("alerts")).hasSize(1);

      assertThat(t.request("POST", "/api/rules/import", t.viewer(), SIGMA, "application/yaml").statusCode())
          .isEqualTo(403);
      HttpResponse<String> bad = t.request("POST", "/api/rules/import", admin, "title: [unclosed", "application/yaml");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("not valid YAML");
    }
    try (TestServer t = TestServer.start(data, env)) {
      JsonNode rule = JSON.readTree(t.get("/api/rules/" + CORR, t.admin()).body());
      assertThat(rule.get("enabled").asBoolean()).isTrue();
      assertThat(JSON.readTree(t.get("/api/rules/" + BASE, t.admin()).body()).get("enabled").asBoolean()).isFalse();
    }
  }

  private static void line(TestServer t, String line) throws Exception {
    HttpResponse<String> r = t.request("POST", "/services/collector/raw", "Splunk " + TestServer.INGEST_TOKEN, line,
        "text/plain");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static JsonNode alerts(TestServer t, String query) throws Exception {
    HttpResponse<String> r = t.get("/api/alerts" + query, t.admin());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("alerts");
  }
}
