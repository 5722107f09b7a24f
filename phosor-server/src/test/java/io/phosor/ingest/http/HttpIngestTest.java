package io.phosor.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import io.phosor.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpIngestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = TestServer.start(data, Map.of("PHOSOR_HTTP_MAX_BODY_BYTES", "65536"));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private List<Event> journaled() {
    return Journal.readAll(data.resolve("journal"));
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void webhookAcceptsAnObjectAnArrayAndNdjsonAndJournalsThemBeforeAnswering() throws Exception {
    var r1 = t.post("/api/webhook/my_app", TestServer.ingest(),
        "{\"severity\":\"critical\",\"message\":\"Database connection failed\",\"event_type\":\"db_error\"}");
    assertThat(r1.statusCode()).isEqualTo(200);
    assertThat(json(r1).get("accepted").asInt()).isEqualTo(1);
    var r2 = t.post("/api/webhook/my_app", TestServer.ingest(), "[{\"message\":\"a\"},{\"message\":\"b\"}]");
    assertThat(json(r2).get("accepted").asInt()).isEqualTo(2);
    var r3 = t.post("/api/webhook/other", TestServer.ingest(), "{\"message\":\"c\"}\n{\"message\":\"d\"}\n");
    assertThat(json(r3).get("accepted").asInt()).isEqualTo(2);
    assertThat(json(r3).get("last_id").asLong()).isEqualTo(5);
    // The answer came after the journal sync, so the events are on disk already.
    List<Event> events = journaled();
    assertThat(events).hasSize(5);
    assertThat(events.get(0).source()).isEqualTo("webhook:my_app");
    assertThat(events.get(0).sourceAddress()).isEqualTo("127.0.0.1");
    assertThat(events.get(0).getString("message")).isEqualTo("Database connection failed");
    assertThat(events.get(4).source()).isEqualTo("webhook:other");
  }

  @Test
  void cortexIngestBodyIsNormalizedAndValidated() throws Exception {
    var ok = t.post("/api/ingest", TestServer.ingest(), "{\"type\":\"login\",\"user\":\"alice\",\"origin\":\"US\",\"ip\":\"1.2.3.4\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    Event e = journaled().get(0);
    assertThat(e.source()).isEqualTo("ingest");
    assertThat(e.getString("user")).isEqualTo("alice");
    assertThat(e.getString("ip")).isEqualTo("1.2.3.4");
    assertThat(e.getString("origin")).isEqualTo("US");
    assertThat(e.getString("type")).isEqualTo("login");

    var badIp = t.post("/api/ingest", TestServer.ingest(), "{\"type\":\"login\",\"ip\":\"999.1.1.1\"}");
    assertThat(badIp.statusCode()).isEqualTo(400);
    assertThat(json(badIp).get("message").asText()).contains("'ip' is not an IPv4 or IPv6 address");
    var badType = t.post("/api/ingest", TestServer.ingest(), "{\"type\":42}");
    assertThat(badType.statusCode()).isEqualTo(400);
    assertThat(json(badType).get("message").asText()).contains("'type' must be a string");
    assertThat(journaled()).hasSize(1);
  }

  @Test
  void missingOrWrongTokenGets401AndNothingIsStored() throws Exception {
    var none = t.post("/api/webhook/x", null, "{\"message\":\"a\"}");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json(none).get("error").asText()).isEqualTo("unauthorized");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    var wrong = t.post("/api/ingest", "Bearer not-the-token-at-all", "{\"type\":\"login\"}");
    assertThat(wrong.statusCode()).isEqualTo(401);
    var hecNone = t.post("/services/collector/event", null, "{\"event\":\"x\"}");
    assertThat(hecNone.statusCode()).isEqualTo(401);
    assertThat(json(hecNone).get("code").asInt()).isEqualTo(2);
    var hecBad = t.post("/services/collector/event", "Splunk wrong-token-xxxxxxxxxx", "{\"event\":\"x\"}");
    assertThat(hecBad.statusCode()).isEqualTo(403);
    assertThat(json(hecBad).get("code").asInt()).isEqualTo(4);
    var hecScheme = t.post("/services/collector/event", "Basic abc", "{\"event\":\"x\"}");
    assertThat(json(hecScheme).get("code").asInt()).isEqualTo(3);
    assertThat(journaled()).isEmpty();
  }

  @Test
  void ingestTokensCanOnlyIngest() throws Exception {
    assertThat(t.get("/api/stats", TestServer.ingest()).statusCode()).isEqualTo(403);
    assertThat(t.get("/api/sources", TestServer.ingest()).statusCode()).isEqualTo(403);
    assertThat(t.get("/metrics", TestServer.ingest()).statusCode()).isEqualTo(403);
    assertThat(t.post("/api/sources/file/add", TestServer.ingest(), "{\"filepath\":\"/var/log/syslog\"}").statusCode())
        .isEqualTo(403);
    assertThat(t.get("/api/stats", null).statusCode()).isEqualTo(401);
    assertThat(t.get("/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void malformedBodiesGet400NamingTheProblem() throws Exception {
    var broken = t.post("/api/webhook/x", TestServer.ingest(), "{\"a\":");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(json(broken).get("message").asText()).startsWith("malformed JSON at line 1");
    var scalar = t.post("/api/webhook/x", TestServer.ingest(), "[{\"a\":1}, 42]");
    assertThat(json(scalar).get("message").asText()).isEqualTo("event #2 is a number, expected a JSON object");
    var empty = t.post("/api/webhook/x", TestServer.ingest(), "  ");
    assertThat(empty.statusCode()).isEqualTo(400);
    var badName = t.post("/api/webhook/" + "a".repeat(65), TestServer.ingest(), "{}");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(journaled()).isEmpty();
  }

  @Test
  void aBodyThatIsNotUtf8IsRefusedWhateverNamesTheServerHasSeen() throws Exception {
    // found by fuzzing (docs/fuzzing.md): once Jackson had read the name "ser", {"\xFFser": ...} was read
    // as {"ser": ...} and accepted, while the same body sent to a fresh server was refused
    var ok = t.post("/services/collector/event", "Splunk " + TestServer.INGEST_TOKEN, "{\"event\":{\"ser\":\"a\"}}");
    assertThat(ok.statusCode()).isEqualTo(200);
    byte[] bad = "{\"event\":{\"?ser\":\"b\"}}".getBytes(StandardCharsets.UTF_8);
    bad[11] = (byte) 0xFF;
    for (String path : List.of("/services/collector/event", "/api/webhook/x")) {
      HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create(t.url(path)))
          .header("Authorization", TestServer.ingest()).POST(HttpRequest.BodyPublishers.ofByteArray(bad)));
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      if (path.startsWith("/services")) {
        assertThat(json(r).get("code").asInt()).isEqualTo(6);
      } else {
        assertThat(json(r).get("message").asText()).isEqualTo("malformed JSON: the body is not UTF-8 (invalid byte at offset 11)");
      }
    }
    assertThat(journaled()).hasSize(1);
  }

  @Test
  void oversizedBodyGets413() throws Exception {
    String big = "{\"message\":\"" + "x".repeat(70_000) + "\"}";
    var r = t.post("/api/webhook/x", TestServer.ingest(), big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("error").asText()).isEqualTo("payload_too_large");
    assertThat(journaled()).isEmpty();
  }

  @Test
  void unknownRoutesAnswerJson404() throws Exception {
    var r = t.get("/api/nope", t.admin());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void hecEventEndpointTakesConcatenatedEnvelopesWithTimeHostAndFields() throws Exception {
    String body = "{\"event\":\"Failed password for root from 10.9.8.7 port 22 ssh2\",\"time\":1700000000.25,"
        + "\"host\":\"web-1\",\"sourcetype\":\"linux_secure\",\"fields\":{\"env\":\"prod\"}}"
        + "{\"event\":{\"message\":\"hello\",\"user\":\"bob\"}}";
    var r = t.post("/services/collector/event", "Splunk " + TestServer.INGEST_TOKEN, body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"text\":\"Success\",\"code\":0}");
    List<Event> ev = journaled();
    assertThat(ev).hasSize(2);
    assertThat(ev.get(0).source()).isEqualTo("hec");
    assertThat(ev.get(0).timestamp()).isEqualTo(Instant.parse("2023-11-14T22:13:20.250Z"));
    assertThat(ev.get(0).getString("host.name")).isEqualTo("web-1");
    assertThat(ev.get(0).getString("hec.sourcetype")).isEqualTo("linux_secure");
    assertThat(ev.get(0).getString("env")).isEqualTo("prod");
    assertThat(ev.get(1).getString("user.name")).isEqualTo("bob");
  }

  @Test
  void hecAnswersItsOwnErrorCodes() throws Exception {
    String auth = "Splunk " + TestServer.INGEST_TOKEN;
    var noData = t.post("/services/collector/event", auth, "");
    assertThat(noData.statusCode()).isEqualTo(400);
    assertThat(json(noData).get("code").asInt()).isEqualTo(5);
    var badJson = t.post("/services/collector/event", auth, "{\"event\":");
    assertThat(json(badJson).get("code").asInt()).isEqualTo(6);
    var noEvent = t.post("/services/collector/event", auth, "{\"time\":1}");
    assertThat(json(noEvent).get("code").asInt()).isEqualTo(12);
    var blank = t.post("/services/collector/event", auth, "{\"event\":\"\"}");
    assertThat(json(blank).get("code").asInt()).isEqualTo(13);
    var health = t.get("/services/collector/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health).get("code").asInt()).isEqualTo(17);
    assertThat(journaled()).isEmpty();
  }

  @Test
  void hecRawEndpointTakesLinesAndGzip() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
      gz.write("line one\nline two\n\n".getBytes(StandardCharsets.UTF_8));
    }
    var r = t.send(HttpRequest.newBuilder(URI.create(t.url("/services/collector/raw?host=fw1&sourcetype=raw")))
        .header("Authorization", "Splunk " + TestServer.INGEST_TOKEN)
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(buf.toByteArray())));
    assertThat(r.statusCode()).isEqualTo(200);
    List<Event> ev = journaled();
    assertThat(ev).extracting(Event::original).containsExactly("line one", "line two");
    assertThat(ev.get(0).getString("host.name")).isEqualTo("fw1");
  }

  @Test
  void statsAndSourcesCountPerSource() throws Exception {
    t.post("/api/webhook/app1", TestServer.ingest(), "[{\"message\":\"a\"},{\"message\":\"b\"}]");
    t.post("/api/webhook/app2", TestServer.ingest(), "{\"message\":\"c\"}");
    JsonNode stats = json(t.get("/api/stats", t.admin()));
    assertThat(stats.get("total_events").asLong()).isEqualTo(3);
    assertThat(stats.get("active_sources").asInt()).isEqualTo(2);
    assertThat(stats.has("uptime_seconds")).isTrue();
    JsonNode sources = json(t.get("/api/sources", t.admin())).get("sources");
    assertThat(sources).hasSize(2);
    assertThat(sources.get(0).get("id").asText()).isEqualTo("webhook:app1");
    assertThat(sources.get(0).get("received").asLong()).isEqualTo(2);
    assertThat(sources.get(0).get("parsed").asLong()).isEqualTo(2);
    assertThat(sources.get(0).has("reputation")).isTrue();
    String metrics = t.get("/metrics", t.admin()).body();
    assertThat(metrics).contains("phosor_events_received_total{kind=\"webhook\",source=\"webhook:app1\"} 2.0");
    assertThat(metrics).contains("phosor_queue_depth{queue=\"ingest\"}");
  }
}
