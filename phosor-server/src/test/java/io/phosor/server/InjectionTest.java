package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker would try against the filters and names (issue 5, proof): SQL in alert and rule filters,
 * Lucene tricks and runaway patterns in search, CR/LF in a webhook source name. Each is refused or harmless:
 * a clear 4xx or an empty answer, never a 500, never more data than asked for, never a reflected header.
 */
class InjectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void sqlInAlertAndRuleFiltersIsJustAValueThatMatchesNothing() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      assertThat(t.post("/api/webhook/inj", TestServer.ingest(), "{\"message\": \"hello\"}").statusCode()).isEqualTo(200);
      for (String evil : new String[] {"' OR '1'='1", "x'); DROP TABLE alerts; --", "\" OR 1=1 --"}) {
        HttpResponse<String> r = t.get("/api/alerts?rule=" + enc(evil), t.admin());
        assertThat(r.statusCode()).as(evil).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("alerts")).as(evil).isEmpty();
        assertThat(t.get("/api/rules/" + enc(evil).replace("+", "%20"), t.admin()).statusCode()).as(evil).isEqualTo(404);
      }
      assertThat(t.get("/api/alerts?status=" + enc("open' OR '1'='1"), t.admin()).statusCode()).isEqualTo(400);
      assertThat(t.get("/api/alerts?limit=" + enc("1; DROP TABLE alerts"), t.admin()).statusCode()).isEqualTo(400);
      // the table is still there and answers
      assertThat(t.get("/api/alerts", t.admin()).statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(t.get("/api/stats", t.admin()).body()).get("total_alerts").isNumber()).isTrue();
    }
  }

  @Test
  void luceneTricksAndRunawayPatternsInSearchAreBoundedAndNever500() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      String[] queries = {
          "user.name:/(a+)+$/", // catastrophic backtracking elsewhere; RE2-like automaton with a work budget here
          "*".repeat(5000), // beyond the query length limit
          "a".repeat(40) + "* OR " + "b*".repeat(50),
          "source.ip:\"999.1.1.1/99\"", // not an address
          "http.response.status_code:[abc TO def]", // not numbers
          "user:(a OR (b OR (c", // unbalanced
          "\u0000\u0001\u0002",
      };
      for (String q : queries) {
        HttpResponse<String> r = t.get("/api/events/search?q=" + enc(q), t.admin());
        assertThat(r.statusCode()).as(q).isIn(200, 400);
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() == 400) {
          assertThat(body.get("message").asText()).as(q).isNotBlank();
        }
      }
      assertThat(t.get("/api/events/histogram?q=*&interval=1s&from=2000-01-01&to=2026-01-01", t.admin()).statusCode())
          .as("too many buckets").isEqualTo(400);
    }
  }

  @Test
  void aWebhookSourceNameCannotCarryHeadersOrPaths() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      for (String name : new String[] {"a%0d%0aX-Injected:%201", "..%2f..%2fetc", "a%00b", "x".repeat(65)}) {
        HttpResponse<String> r = t.post("/api/webhook/" + name, TestServer.ingest(), "{\"message\": \"m\"}");
        assertThat(r.statusCode()).as(name).isIn(400, 404);
        assertThat(r.headers().firstValue("X-Injected")).as(name).isEmpty();
      }
    }
  }
}
