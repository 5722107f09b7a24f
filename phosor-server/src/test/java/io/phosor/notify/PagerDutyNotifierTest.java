package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.event.Severity;
import io.phosor.notify.RecordingServer.Reply;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PagerDutyNotifierTest extends HttpIntegrationContract {
  static final String KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
  static final String ACCEPTED = "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"phosor-incident-42\"}";

  @Override
  String path() {
    return "/v2/enqueue";
  }

  @Override
  List<String> secrets() {
    return List.of(KEY);
  }

  @Override
  String attempt(URI url, Duration timeout) throws ActionFailure {
    return new PagerDutyNotifier(url, KEY, timeout).send(Notices.incident());
  }

  private JsonNode sent(Notice n, String expectedOutcome) throws ActionFailure {
    server.then(Reply.json(202, ACCEPTED));
    String outcome = new PagerDutyNotifier(server.url("/v2/enqueue"), KEY, Duration.ofSeconds(5)).send(n);
    assertThat(outcome).isEqualTo(expectedOutcome);
    assertNoSecret(outcome);
    RecordingServer.Request r = server.only();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v2/enqueue");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    return r.json();
  }

  @Test
  void aTriggerCarriesTheRoutingKeyDedupKeyAndTheDocumentedPayload() throws Exception {
    JsonNode body = sent(Notices.incident(), "PagerDuty trigger accepted (HTTP 202)");
    assertThat(body.path("routing_key").asText()).isEqualTo(KEY);
    assertThat(body.path("event_action").asText()).isEqualTo("trigger");
    assertThat(body.path("dedup_key").asText()).isEqualTo("phosor-incident-42");
    JsonNode p = body.path("payload");
    List<String> fields = new ArrayList<>();
    p.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("summary", "source", "severity", "timestamp", "component", "group", "class",
        "custom_details");
    assertThat(p.path("summary").asText()).isEqualTo("[HIGH] SSH brute force from 203.0.113.7");
    assertThat(p.path("source").asText()).isEqualTo("phosor");
    assertThat(p.path("severity").asText()).isEqualTo("error");
    assertThat(p.path("timestamp").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(p.path("component").asText()).isEqualTo("203.0.113.7");
    assertThat(p.path("group").asText()).isEqualTo("ip");
    assertThat(p.path("class").asText()).isEqualTo("ssh-brute-force");
    JsonNode d = p.path("custom_details");
    assertThat(d.path("incident_id").asLong()).isEqualTo(42);
    assertThat(d.path("alert_id").asLong()).isEqualTo(7);
    assertThat(d.path("count").asInt()).isEqualTo(12);
    assertThat(d.path("tags").get(0).asText()).isEqualTo("attack.t1110");
    assertThat(body.path("links").get(0).path("href").asText()).isEqualTo("https://phosor.example.com/#/incidents/42");
    assertThat(body.path("links").get(0).path("text").asText()).isEqualTo("Phosor incident #42");
    assertThat(body.path("client").asText()).isEqualTo("Phosor");
  }

  @Test
  void aResolveSendsOnlyTheRoutingKeyActionAndDedupKey() throws Exception {
    JsonNode body = sent(Notices.resolved(), "PagerDuty resolve accepted (HTTP 202)");
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("routing_key", "event_action", "dedup_key");
    assertThat(body.path("event_action").asText()).isEqualTo("resolve");
    assertThat(body.path("dedup_key").asText()).isEqualTo("phosor-incident-42");
  }

  @ParameterizedTest(name = "{0} pages as {1}")
  @CsvSource({"CRITICAL,critical", "HIGH,error", "MEDIUM,warning", "LOW,info", "INFORMATIONAL,info"})
  void severitiesMapOntoPagerDutys(Severity phosor, String pagerduty) {
    assertThat(PagerDutyNotifier.severity(phosor)).isEqualTo(pagerduty);
  }

  @Test
  void aLongTitleIsCutToPagerDutysSummaryLimit() throws Exception {
    Notice n = Notices.incident();
    Notice longTitle = new Notice(n.dedupKey(), false, "x".repeat(5000), n.severity(), n.summary(), n.incidentId(),
        n.alertId(), n.ruleId(), n.tags(), n.entityType(), n.entityValue(), n.at(), null, Map.of());
    JsonNode body = sent(longTitle, "PagerDuty trigger accepted (HTTP 202)");
    assertThat(body.path("payload").path("summary").asText()).hasSize(1024).endsWith("…");
    assertThat(body.has("links")).isFalse();
  }

  @Test
  void anInvalidEventAnswerIsNotRetriedAndItsReasonIsKept() {
    server.then(Reply.json(400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
        + "\"errors\":[\"Length of 'routing_key' is incorrect (should be 32 characters)\"]}"));
    ActionFailure f = failure();
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).startsWith("PagerDuty: HTTP 400").contains("Event object is invalid");
  }

  @Test
  void aDedupKeyLongerThanPagerDutyAcceptsIsRefusedWithoutARequest() {
    Notice n = Notices.incident();
    Notice bad = new Notice("k".repeat(256), false, n.title(), n.severity(), n.summary(), n.incidentId(), n.alertId(),
        n.ruleId(), n.tags(), n.entityType(), n.entityValue(), n.at(), n.link(), Map.of());
    ActionFailure f = catchThrowableOfType(ActionFailure.class,
        () -> new PagerDutyNotifier(server.url("/v2/enqueue"), KEY, Duration.ofSeconds(5)).send(bad));
    assertThat(f.retryable()).isFalse();
    assertThat(server.requests()).isEmpty();
  }
}
