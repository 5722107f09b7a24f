package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.notify.RecordingServer.Reply;
import io.phosor.respond.ActionFailure;
import io.phosor.testkit.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest extends HttpIntegrationContract {
  static final String SECRET = "whsec-0123456789abcdef0123";
  static final String PATH = "/hooks/phosor/k3yInTh3PathOfTheUrl";
  final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T05:06:07Z"));

  @Override
  String path() {
    return PATH;
  }

  @Override
  List<String> secrets() {
    return List.of(SECRET, "k3yInTh3PathOfTheUrl");
  }

  @Override
  String attempt(URI url, Duration timeout) throws ActionFailure {
    return new WebhookNotifier(url, SECRET, timeout, clock).send(Notices.incident());
  }

  @Test
  void postsTheNoticeAsJsonWithTimestampSignatureAndDeliveryHeaders() throws Exception {
    server.then(Reply.status(204));
    assertThat(attempt()).isEqualTo("webhook: HTTP 204");
    RecordingServer.Request r = server.only();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(PATH);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("X-Phosor-Timestamp")).isEqualTo("1772600767");
    assertThat(r.header("X-Phosor-Signature")).matches("sha256=[0-9a-f]{64}");
    assertThat(r.header("X-Phosor-Delivery")).isEqualTo("phosor-incident-42");
    JsonNode body = r.json();
    assertThat(body.path("dedup_key").asText()).isEqualTo("phosor-incident-42");
    assertThat(body.path("event").asText()).isEqualTo("trigger");
    assertThat(body.path("title").asText()).isEqualTo("[HIGH] SSH brute force from 203.0.113.7");
    assertThat(body.path("severity").asText()).isEqualTo("high");
    assertThat(body.path("summary").asText()).isEqualTo("12 failed logins for root in 60 s\nfrom 203.0.113.7");
    assertThat(body.path("incident_id").asLong()).isEqualTo(42);
    assertThat(body.path("alert_id").asLong()).isEqualTo(7);
    assertThat(body.path("rule_id").asText()).isEqualTo("ssh-brute-force");
    assertThat(body.path("tags").get(1).asText()).isEqualTo("attack.credential_access");
    assertThat(body.path("entity").path("type").asText()).isEqualTo("ip");
    assertThat(body.path("entity").path("value").asText()).isEqualTo("203.0.113.7");
    assertThat(body.path("at").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(body.path("link").asText()).isEqualTo("https://phosor.example.com/#/incidents/42");
    assertThat(body.path("details").path("count").asInt()).isEqualTo(12);
  }

  @Test
  void theReceiverVerifiesTheSignatureWithTheSecretAndNotWithAnother() throws Exception {
    server.then(Reply.status(200));
    attempt();
    RecordingServer.Request r = server.only();
    assertThat(WebhookReceiver.verify(SECRET, r, clock.instant())).isTrue();
    assertThat(WebhookReceiver.verify("another-secret-0123456789", r, clock.instant())).isFalse();
    // a changed body or a replay long after fails too
    assertThat(WebhookReceiver.verify(SECRET, r.header("X-Phosor-Timestamp"), r.header("X-Phosor-Signature"),
        r.body().replace("203.0.113.7", "198.51.100.1"), clock.instant())).isFalse();
    assertThat(WebhookReceiver.verify(SECRET, r, clock.instant().plusSeconds(3600))).isFalse();
  }

  @Test
  void theTimestampComesFromTheInjectedClock() throws Exception {
    server.then(Reply.status(200), Reply.status(200));
    attempt();
    clock.advance(Duration.ofSeconds(90));
    attempt();
    assertThat(server.requests()).extracting(x -> x.header("X-Phosor-Timestamp"))
        .containsExactly("1772600767", "1772600857");
  }

  @Test
  void aResolveIsMarkedAsSuch() throws Exception {
    server.then(Reply.status(200));
    new WebhookNotifier(server.url(PATH), SECRET, Duration.ofSeconds(5), clock).send(Notices.resolved());
    assertThat(server.only().json().path("event").asText()).isEqualTo("resolve");
  }
}
