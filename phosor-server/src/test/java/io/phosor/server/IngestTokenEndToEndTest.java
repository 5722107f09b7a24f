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
 * Stored ingest tokens end to end, on both stores: an admin creates one (shown once), senders use it over the
 * webhook and HEC, the list shows its last use but never the token, a revocation shuts it out at once, and the
 * audit log has both changes without the token.
 */
class IngestTokenEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  @Test
  void storedIngestTokensWorkOnSqlite() throws Exception {
    exercise(Map.of());
  }

  @Test
  void storedIngestTokensWorkOnPostgresql() throws Exception {
    try (TestDatabases db = TestDatabases.schema("storedIngestTokensWorkOnPostgresql")) {
      exercise(Map.of("PHOSOR_DATABASE_URL", db.url(null)));
    }
  }

  private void exercise(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    env.put("PHOSOR_BUILTIN_RULES", "false");
    try (TestServer t = TestServer.start(data, env)) {
      String admin = t.admin();
      HttpResponse<String> created = t.post("/api/ingest-tokens", admin, "{\"name\": \"firewall-eu\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
      JsonNode c = JSON.readTree(created.body());
      String token = c.get("token").asText();
      assertThat(token).startsWith("phi_").hasSize(47);
      assertThat(c.get("name").asText()).isEqualTo("firewall-eu");
      assertThat(c.get("revoked").asBoolean()).isFalse();

      assertThat(t.post("/api/ingest-tokens", admin, "{\"name\": \"firewall-eu\"}").statusCode()).isEqualTo(409);
      assertThat(t.post("/api/ingest-tokens", admin, "{\"name\": \"../etc\"}").statusCode()).isEqualTo(400);
      assertThat(t.post("/api/ingest-tokens", admin, "{}").statusCode()).isEqualTo(400);

      // the token sends events over the webhook and over HEC; it can do nothing else
      assertThat(t.post("/api/webhook/fw", "Bearer " + token, "{\"message\": \"stored token event one\"}").statusCode())
          .isEqualTo(200);
      HttpResponse<String> hec = t.post("/services/collector/event", "Splunk " + token,
          "{\"event\": \"stored token event two\"}");
      assertThat(hec.statusCode()).as(hec.body()).isEqualTo(200);
      assertThat(t.get("/api/alerts", "Bearer " + token).statusCode()).isEqualTo(403);
      await().atMost(Duration.ofSeconds(15)).until(() -> JSON.readTree(t.get("/api/events/search?q="
          + "message:stored&limit=10", admin).body()).get("total").asLong() == 2);

      // a token of the right shape that was never created, and a near miss, are refused
      assertThat(t.post("/api/webhook/fw", "Bearer phi_" + "A".repeat(43), "{\"message\": \"x\"}").statusCode())
          .isEqualTo(401);
      assertThat(t.post("/api/webhook/fw", "Bearer " + token.substring(0, 46) + "x", "{\"message\": \"x\"}")
          .statusCode()).isEqualTo(401);

      HttpResponse<String> list = t.get("/api/ingest-tokens", admin);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).doesNotContain(token).doesNotContain(token.substring(4));
      JsonNode row = JSON.readTree(list.body()).get(0);
      assertThat(row.get("name").asText()).isEqualTo("firewall-eu");
      assertThat(row.get("created_by").asText()).isEqualTo("admin-token");
      assertThat(row.get("last_used_at").isNull()).isFalse();

      HttpResponse<String> revoked = t.request("DELETE", "/api/ingest-tokens/firewall-eu", admin, null, null);
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      assertThat(JSON.readTree(revoked.body()).get("revoked").asBoolean()).isTrue();
      assertThat(t.post("/api/webhook/fw", "Bearer " + token, "{\"message\": \"after revoke\"}").statusCode())
          .isEqualTo(401);
      assertThat(t.request("DELETE", "/api/ingest-tokens/nobody", admin, null, null).statusCode()).isEqualTo(404);

      String audit = t.get("/api/audit?limit=100", admin).body();
      assertThat(audit).contains("ingest_token.create").contains("ingest_token.revoke").doesNotContain(token);
    }
  }
}
