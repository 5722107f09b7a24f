package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.phosor.auth.Role;
import io.phosor.live.FeedClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 6, threat intelligence end to end: an indicator file in the data directory, an event from a listed
 * address raises a critical known-bad-ip alert, and the alert is enriched with the indicator and AbuseIPDB's
 * answer (a local stand-in that checks the request).
 */
class IntelEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "abuseipdb-test-key-0123456789";
  private static final String BAD = "185.220.101.47";

  @TempDir
  Path data;
  HttpServer abuse;
  final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startAbuseIpDb() throws Exception {
    abuse = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    abuse.createContext("/api/v2/check", ex -> {
      requests.add(ex.getRequestURI().getRawQuery() + " key=" + ex.getRequestHeaders().getFirst("Key"));
      byte[] b = """
          {"data": {"ipAddress": "185.220.101.47", "isPublic": true, "ipVersion": 4, "isWhitelisted": false,
           "abuseConfidenceScore": 100, "countryCode": "DE", "usageType": "Data Center/Web Hosting/Transit",
           "isp": "Zwiebelfreunde e.V.", "domain": "zwiebelfreunde.de", "hostnames": [], "isTor": true,
           "totalReports": 4123, "numDistinctUsers": 512, "lastReportedAt": "2026-05-31T23:12:09+00:00"}}
          """.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    abuse.start();
  }

  @AfterEach
  void stop() {
    abuse.stop(0);
  }

  @Test
  void anEventFromAListedAddressRaisesACriticalAlertEnrichedWithTheIndicatorAndAbuseIpDb() throws Exception {
    Path intel = Files.createDirectories(data.resolve("intel"));
    Files.writeString(intel.resolve("tor-exits.txt"), "# Tor exit nodes\n185.220.101.0/24 ; Tor exit range\n");
    Map<String, String> env = Map.of("PHOSOR_ABUSEIPDB_KEY", KEY,
        "PHOSOR_ABUSEIPDB_URL", "http://127.0.0.1:" + abuse.getAddress().getPort());
    try (TestServer t = TestServer.start(data, env);
        FeedClient feed = FeedClient.connect(t.server().httpPort(), t.server().apiToken())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !feed.ofType("hello").isEmpty());
      HttpResponse<String> sent = t.post("/api/webhook/app", TestServer.ingest(),
          "{\"message\": \"login page visited\", \"src_ip\": \"" + BAD + "\"}\n"
              + "{\"message\": \"login page visited\", \"src_ip\": \"185.220.102.1\"}");
      assertThat(sent.statusCode()).as(sent.body()).isLessThan(300);

      await().atMost(Duration.ofSeconds(15)).until(() -> alerts(t).size() == 1
          && !alerts(t).get(0).get("enrichment").isNull());
      JsonNode alert = alerts(t).get(0);
      assertThat(alert.get("severity").asText()).isEqualTo("critical");
      assertThat(alert.get("group").get("source.ip").asText()).isEqualTo(BAD);
      JsonNode ip = alert.get("enrichment").get("ip").get(BAD);
      assertThat(ip.get("indicators")).hasSize(1);
      assertThat(ip.get("indicators").get(0).get("source").asText()).isEqualTo("tor-exits.txt");
      assertThat(ip.get("indicators").get(0).get("network").asText()).isEqualTo("185.220.101.0/24");
      assertThat(ip.get("indicators").get(0).get("description").asText()).isEqualTo("Tor exit range");
      assertThat(ip.get("abuseipdb").get("status").asText()).isEqualTo("ok");
      assertThat(ip.get("abuseipdb").get("abuse_confidence_score").asInt()).isEqualTo(100);
      assertThat(ip.get("abuseipdb").get("isp").asText()).isEqualTo("Zwiebelfreunde e.V.");
      assertThat(ip.has("otx")).as("no OTX key").isFalse();
      assertThat(requests).containsExactly("ipAddress=" + BAD + "&maxAgeInDays=90 key=" + KEY);
      JsonNode one = JSON.readTree(t.get("/api/alerts/" + alert.get("id").asLong(), t.admin()).body());
      assertThat(one.get("enrichment")).isEqualTo(alert.get("enrichment"));
      // the live feed: the alert when stored, then again with its enrichment
      await().atMost(Duration.ofSeconds(5)).until(() -> !feed.ofType("alert_enriched").isEmpty());
      JsonNode pushed = feed.ofType("alert_enriched").stream()
          .filter(m -> m.get("data").get("id").asLong() == alert.get("id").asLong()).findFirst().orElseThrow();
      assertThat(pushed.get("data").get("enrichment")).isEqualTo(alert.get("enrichment"));

      // the journaled event carries the tag the rule matched; the unlisted address does not
      await().atMost(Duration.ofSeconds(10)).until(() -> search(t, "threat.indicator.source:\"tor-exits.txt\"").size() == 1);
      JsonNode tagged = search(t, "threat.indicator.source:\"tor-exits.txt\"").get(0);
      assertThat(tagged.toString()).contains("\"threat.indicator.ip\":\"" + BAD + "\"")
          .contains("\"threat.indicator.matched_field\":\"source.ip\"")
          .contains("\"threat.indicator.description\":\"Tor exit range\"");

      // an analyst's look-up is served from the cache (no second request) and audited
      String analyst = t.login(Role.ANALYST);
      HttpResponse<String> r = t.get("/api/intel/ip/" + BAD, analyst);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode rep = JSON.readTree(r.body());
      assertThat(rep.get("abuseipdb").get("cached").asBoolean()).isTrue();
      assertThat(rep.get("indicators").get(0).get("source").asText()).isEqualTo("tor-exits.txt");
      assertThat(requests).hasSize(1);
      assertThat(t.get("/api/intel/ip/" + BAD, t.login(Role.VIEWER)).statusCode()).isEqualTo(403);
      assertThat(t.get("/api/intel/ip/not-an-ip", analyst).statusCode()).isEqualTo(400);
      JsonNode v6 = JSON.readTree(t.get("/api/intel/ip/2001:db8::1", analyst).body());
      assertThat(v6.get("public").asBoolean()).isFalse();
      assertThat(v6.get("abuseipdb").get("status").asText()).as("documentation range: never sent").isEqualTo("not_sent");
      assertThat(requests).hasSize(1);
      JsonNode audit = JSON.readTree(t.get("/api/audit?action=intel.lookup", t.admin()).body()).get("entries");
      assertThat(audit).as("the two successful look-ups, newest first").hasSize(2);
      assertThat(audit.get(1).get("actor").asText()).isEqualTo("analyst");
      assertThat(audit.get(1).get("target").asText()).isEqualTo(BAD);
      assertThat(audit.get(1).get("detail").get("abuseipdb").asText()).isEqualTo("cached");
      assertThat(audit.get(0).get("target").asText()).isEqualTo("2001:db8::1");
      assertThat(audit.toString()).doesNotContain(KEY);

      // the sources: the file, its entries; a bad file degrades health and keeps the good ones
      JsonNode sources = JSON.readTree(t.get("/api/intel/sources", t.login(Role.VIEWER)).body());
      assertThat(sources.get("entries").asInt()).isEqualTo(1);
      assertThat(sources.get("files").get(0).get("file").asText()).isEqualTo("tor-exits.txt");
      assertThat(sources.get("remote").get("abuseipdb").asBoolean()).isTrue();
      Files.writeString(intel.resolve("broken.csv"), "indicator,description\n198.51.100.1,ok\nnonsense,bad\n");
      t.server().intel().reload();
      JsonNode health = JSON.readTree(t.get("/health", null).body());
      assertThat(health.get("components").get("intel").get("status").asText()).isEqualTo("degraded");
      assertThat(health.get("components").get("intel").get("reason").asText()).contains("broken.csv line 3");
      assertThat(JSON.readTree(t.get("/api/intel/sources", t.admin()).body()).get("entries").asInt()).isEqualTo(1);
    }
  }

  private static JsonNode search(TestServer t, String q) throws Exception {
    return JSON.readTree(t.get("/api/events/search?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8),
        t.admin()).body()).get("events");
  }

  private static List<JsonNode> alerts(TestServer t) throws Exception {
    JsonNode body = JSON.readTree(t.get("/api/alerts?rule=known-bad-ip", t.admin()).body());
    List<JsonNode> out = new java.util.ArrayList<>();
    body.get("alerts").forEach(out::add);
    return out;
  }
}
