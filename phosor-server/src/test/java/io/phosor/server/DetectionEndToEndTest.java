package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC section 5 end to end: syslog in, the detection stage, alerts out on /api/alerts and /metrics. */
class DetectionEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BRUTE_FORCE = """
      id: test-ssh-brute-force
      name: SSH brute force (test)
      type: threshold
      severity: high
      group_by: source.ip
      config:
        match: {field: raw, regex: 'sshd\\[\\d+\\]: Failed password for', case_sensitive: true}
        count: 5
        window_seconds: 60
      """;

  @TempDir
  Path data;

  private Map<String, String> env() throws Exception {
    Path rules = Files.createDirectories(data.resolve("rules"));
    Files.writeString(rules.resolve("ssh.yml"), BRUTE_FORCE);
    return Map.of("PHOSOR_BUILTIN_RULES", "false");
  }

  private static String failures(int n, String ip) {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("<38>").append(stamp).append(" srv1 sshd[4242]: Failed password for root from ").append(ip)
          .append(" port ").append(40000 + i).append(" ssh2\n");
    }
    return sb.toString();
  }

  @Test
  void fiveSshFailuresOverSyslogTcpRaiseTheBruteForceAlertOnApiAlertsAndMetrics() throws Exception {
    try (TestServer t = TestServer.start(data, env())) {
      try (Socket s = new Socket("127.0.0.1", t.server().syslogTcpPort()); OutputStream out = s.getOutputStream()) {
        out.write(failures(5, "203.0.113.7").getBytes(StandardCharsets.UTF_8));
        out.write(failures(4, "203.0.113.8").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> t.server().alerts().total() >= 1);
      var resp = t.get("/api/alerts?limit=10", t.admin());
      assertThat(resp.statusCode()).isEqualTo(200);
      JsonNode alerts = JSON.readTree(resp.body()).get("alerts");
      assertThat(alerts).hasSize(1);
      assertThat(alerts.get(0).get("rule").asText()).isEqualTo("test-ssh-brute-force");
      assertThat(alerts.get(0).get("severity").asText()).isEqualTo("high");
      assertThat(alerts.get(0).get("group").get("source.ip").asText()).isEqualTo("203.0.113.7");
      assertThat(alerts.get(0).get("count").asLong()).isEqualTo(5);
      String metrics = t.get("/metrics", t.admin()).body();
      assertThat(metrics).contains("phosor_alerts_total{rule=\"test-ssh-brute-force\",severity=\"high\"} 1.0")
          .contains("phosor_detect_queue_depth").contains("phosor_detect_lag_events");
      assertThat(t.get("/api/alerts", null).statusCode()).isEqualTo(401);
      assertThat(t.get("/api/alerts?limit=0", t.admin()).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void apiRulesTestRunsAnInlineRuleOverLinesAndEvents() throws Exception {
    try (TestServer t = TestServer.start(data, env())) {
      String body = """
          {"rule": {"name": "Failed SSH Login", "type": "pattern", "severity": "warning",
                    "config": {"field": "raw", "regex": "Failed password", "case_sensitive": false}},
           "year": 2024,
           "lines": ["<38>Nov 21 23:30:00 srv1 sshd[1]: Failed password for root from 203.0.113.7 port 1 ssh2",
                     "<38>Nov 21 23:30:01 srv1 sshd[1]: Accepted password for root from 203.0.113.7 port 1 ssh2"],
           "events": [{"message": "failed password for bob", "@timestamp": "2024-11-21T23:30:02Z"}]}
          """;
      var resp = t.post("/api/rules/test", t.admin(), body);
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      JsonNode r = JSON.readTree(resp.body());
      assertThat(r.get("events").asInt()).isEqualTo(3);
      assertThat(r.get("alerts")).hasSize(2);
      assertThat(r.get("alerts").get(0).get("event_ids").get(0).asLong()).isEqualTo(1);
      assertThat(r.get("alerts").get(1).get("event_ids").get(0).asLong()).isEqualTo(3);
      // A rule the running node has loaded can be named by id.
      var byId = t.post("/api/rules/test", t.admin(), "{\"rule\": \"test-ssh-brute-force\", \"lines\": []}");
      assertThat(byId.statusCode()).as(byId.body()).isEqualTo(200);
    }
  }

  @Test
  void apiRulesTestAnswers400NamingTheProblem() throws Exception {
    try (TestServer t = TestServer.start(data, env())) {
      var bad = t.post("/api/rules/test", t.admin(), """
          {"rule": {"name": "Broken", "type": "threshold", "severity": "high",
                    "config": {"match": {"field": "message", "contains": "x"}, "count": 0, "window_seconds": 60}},
           "lines": ["x"]}
          """);
      assertThat(bad.statusCode()).isEqualTo(400);
      JsonNode err = JSON.readTree(bad.body());
      assertThat(err.get("error").asText()).isEqualTo("invalid_rule");
      assertThat(err.get("message").asText()).contains("Broken").contains("count");
      assertThat(t.post("/api/rules/test", t.admin(), "{\"lines\": []}").statusCode()).isEqualTo(400);
      assertThat(t.post("/api/rules/test", t.admin(), "not json").statusCode()).isEqualTo(400);
      var typo = t.post("/api/rules/test", t.admin(), "{\"rule\": \"test-ssh-brute-force\", \"line\": [\"x\"]}");
      assertThat(typo.statusCode()).isEqualTo(400);
      assertThat(typo.body()).contains("unknown field 'line'");
      assertThat(t.post("/api/rules/test", TestServer.ingest(), "{}").statusCode()).isEqualTo(403);
    }
  }

  @Test
  void aBadRuleInTheRulesDirectoryStopsStartUpWithOneLine() throws Exception {
    Path rules = Files.createDirectories(data.resolve("rules"));
    Files.writeString(rules.resolve("bad.yml"), "name: Bad\ntype: pattern\nseverity: low\nconfig: {match: {field: message, regex: 'a('}}\n");
    Assertions.assertThatThrownBy(() -> PhosorServer.start(ConfigLoader.load(null, Map.of(
            "PHOSOR_DATA_DIR", data.toString(), "PHOSOR_HTTP_PORT", "0", "PHOSOR_SYSLOG_PORT", "0",
            "PHOSOR_INGEST_TOKENS", TestServer.INGEST_TOKEN, "PHOSOR_BUILTIN_RULES", "false")), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("invalid rules: " + rules.resolve("bad.yml"))
        .hasMessageNotContaining("\n");
  }
}
