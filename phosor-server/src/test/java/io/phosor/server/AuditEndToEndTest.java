package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.audit.AuditVerifier;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 8: every state-changing request (refused ones included) and every security event is in the
 * hash-chained audit log, admins read it through GET /api/audit, and it verifies after a restart.
 */
class AuditEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULE = """
      {"id": "audit-rule", "name": "Audit rule", "type": "pattern", "severity": "low",
       "config": {"field": "message", "contains": "audit-marker"}}
      """;

  @TempDir
  Path data;

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static List<JsonNode> entries(TestServer t, String query) throws Exception {
    HttpResponse<String> r = t.get("/api/audit" + query, t.admin());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    json(r).get("entries").forEach(out::add);
    return out;
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void stateChangingRequestsAreAuditedWithWhoWhatWhereAndOutcome() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      String admin = t.admin();
      assertThat(t.request("POST", "/api/rules", admin, RULE, "application/json").statusCode()).isEqualTo(201);
      assertThat(t.request("DELETE", "/api/rules/audit-rule", admin, null, null).statusCode()).isEqualTo(204);
      assertThat(t.post("/api/alerts/999/acknowledge", admin, "").statusCode()).isEqualTo(404);
      assertThat(t.request("POST", "/api/rules", null, RULE, "application/json").statusCode()).isEqualTo(401);
      assertThat(t.request("POST", "/api/rules", "Bearer not-a-valid-token-at-all", RULE, "application/json")
          .statusCode()).isEqualTo(401);
      assertThat(t.request("POST", "/api/rules", TestServer.ingest(), RULE, "application/json").statusCode()).isEqualTo(403);
      // reads and accepted ingestion are not audited per request
      assertThat(t.get("/api/rules", admin).statusCode()).isEqualTo(200);
      assertThat(t.post("/api/ingest", TestServer.ingest(), "{\"message\":\"hello\"}").statusCode()).isEqualTo(200);
      assertThat(t.post("/api/ingest", "Bearer wrong-ingest-token-0000", "{\"message\":\"x\"}").statusCode()).isEqualTo(401);

      List<JsonNode> e = entries(t, "");
      assertThat(e).extracting(n -> n.get("action").asText() + " " + n.get("outcome").asText()).containsExactly(
          "POST /api/ingest 401",
          "token.rejected denied", // the security event, then the request it refused
          "POST /api/rules 403",
          "POST /api/rules 401",
          "token.rejected denied",
          "POST /api/rules 401",
          "POST /api/alerts/{alert_id}/acknowledge 404",
          "DELETE /api/rules/{rule_id} 204",
          "POST /api/rules 201",
          "server.start success",
          "user.create success"); // the first start's admin account
      JsonNode created = e.get(8);
      assertThat(created.get("actor").asText()).isEqualTo("admin-token");
      assertThat(created.get("role").asText()).isEqualTo("admin");
      assertThat(created.get("address").asText()).isEqualTo("127.0.0.1");
      assertThat(created.get("target").isNull()).isTrue();
      assertThat(e.get(7).get("target").asText()).isEqualTo("rule_id=audit-rule");
      assertThat(e.get(6).get("target").asText()).isEqualTo("alert_id=999");
      assertThat(e.get(6).get("detail").get("error").asText()).isEqualTo("not_found");
      assertThat(e.get(5).get("actor").asText()).isEqualTo("anonymous");
      assertThat(e.get(5).get("role").isNull()).isTrue();
      assertThat(e.get(5).get("detail").get("error").asText()).isEqualTo("unauthorized");
      assertThat(e.get(2).get("actor").asText()).startsWith("ingest-token");
      assertThat(e.get(2).get("role").asText()).isEqualTo("ingest");
      // never a token or a body
      String raw = String.join("\n", Files.readAllLines(Files.list(data.resolve("audit"))
          .filter(p -> p.getFileName().toString().endsWith(".jsonl")).findFirst().orElseThrow()));
      assertThat(raw).doesNotContain(t.server().apiToken()).doesNotContain("not-a-valid-token-at-all")
          .doesNotContain(TestServer.INGEST_TOKEN).doesNotContain("audit-marker");
    }
    AuditVerifier.Result r = AuditVerifier.verify(data.resolve("audit"));
    assertThat(r.ok()).as("%s", r.problem()).isTrue();
    assertThat(r.entries()).isEqualTo(12); // the eleven above and server.stop
  }

  @Test
  void getApiAuditFiltersPagesAndIsForAdminsOnly() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      String admin = t.admin();
      for (int i = 0; i < 3; i++) {
        t.post("/api/alerts/" + (100 + i) + "/acknowledge", admin, "");
        t.request("POST", "/api/rules", null, RULE, "application/json");
      }
      assertThat(entries(t, "?actor=anonymous")).hasSize(3).allMatch(n -> n.get("outcome").asText().equals("401"));
      assertThat(entries(t, "?action=" + q("POST /api/alerts/{alert_id}/acknowledge"))).extracting(n -> n.get("target").asText())
          .containsExactly("alert_id=102", "alert_id=101", "alert_id=100");
      assertThat(entries(t, "?action=" + q("POST /api/alerts/*") + "&outcome=4xx")).hasSize(3);
      assertThat(entries(t, "?outcome=success")).extracting(n -> n.get("action").asText()).containsExactly("server.start", "user.create");
      assertThat(entries(t, "?from=2000-01-01&to=2000-01-02")).isEmpty();

      HttpResponse<String> page1 = t.get("/api/audit?limit=5", admin);
      JsonNode p1 = json(page1);
      assertThat(p1.get("entries")).hasSize(5);
      long next = p1.get("next_before").asLong();
      JsonNode p2 = json(t.get("/api/audit?limit=5&before=" + next, admin));
      assertThat(p2.get("entries")).hasSize(3);
      assertThat(p2.get("entries").get(0).get("seq").asLong()).isEqualTo(next - 1);
      assertThat(p2.get("next_before").isNull()).isTrue();

      assertThat(t.get("/api/audit?limit=0", admin).statusCode()).isEqualTo(400);
      assertThat(t.get("/api/audit?limit=1001", admin).statusCode()).isEqualTo(400);
      assertThat(t.get("/api/audit?from=yesterday", admin).statusCode()).isEqualTo(400);
      assertThat(t.get("/api/audit", TestServer.ingest()).statusCode()).isEqualTo(403);
      assertThat(t.get("/api/audit", null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void securityEventsFromOtherFeaturesAndPiiCountsAreRecorded() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      t.server().audit().record("alice", null, "192.0.2.7", "login", "alice", "failure", Map.of("reason", "bad password"));
      assertThat(t.post("/api/webhook/app", TestServer.ingest(),
          "{\"message\":\"login password=hunter2 card 4111 1111 1111 1111\"}").statusCode()).isEqualTo(200);
      org.awaitility.Awaitility.await().until(() -> t.server().stats().all().stream().anyMatch(c -> c.piiCount() > 0));
      t.server().securityCounts().report();

      JsonNode login = entries(t, "?action=login").get(0);
      assertThat(login.get("outcome").asText()).isEqualTo("failure");
      assertThat(login.get("detail").get("reason").asText()).isEqualTo("bad password");
      JsonNode pii = entries(t, "?action=pii.detected").get(0);
      assertThat(pii.get("actor").asText()).isEqualTo("system");
      assertThat(pii.get("target").asText()).isEqualTo("webhook:app");
      assertThat(pii.get("detail").get("kinds").get("password").asInt()).isEqualTo(1);
      assertThat(pii.get("detail").get("findings").asInt()).isEqualTo(2);
      // the values themselves are never in the audit (the entry's random hashes may contain the digits "4111" by chance)
      assertThat(pii.toString()).doesNotContain("hunter2").doesNotContain("4111 1111");
    }
  }
}
