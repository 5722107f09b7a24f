package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.notify.RecordingServer.Reply;
import io.phosor.respond.ActionFailure;
import io.phosor.testkit.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookDisablerTest extends HttpIntegrationContract {
  static final String SECRET = "whsec-0123456789abcdef0123";
  static final String PATH = "/idp/disable/t0kenInThePathOfIt";
  final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T05:06:07Z"));

  @Override
  String path() {
    return PATH;
  }

  @Override
  List<String> secrets() {
    return List.of(SECRET, "t0kenInThePathOfIt");
  }

  @Override
  String attempt(URI url, Duration timeout) throws ActionFailure {
    return new WebhookDisabler(url, SECRET, timeout, clock).disable("alice@example.com", Notices.incident());
  }

  @Test
  void postsTheSignedDisableRequestWithUserAndIncident() throws Exception {
    server.then(Reply.status(200));
    assertThat(attempt()).isEqualTo("disable-account webhook accepted user 'alice@example.com' (HTTP 200)");
    RecordingServer.Request r = server.only();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(PATH);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("X-Phosor-Timestamp")).isEqualTo("1772600767");
    assertThat(r.header("X-Phosor-Delivery")).isEqualTo("phosor-incident-42:disable_account:alice@example.com");
    JsonNode body = r.json();
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("action", "user", "incident_id", "alert_id", "rule_id", "dedup_key");
    assertThat(body.path("action").asText()).isEqualTo("disable_account");
    assertThat(body.path("user").asText()).isEqualTo("alice@example.com");
    assertThat(body.path("incident_id").asLong()).isEqualTo(42);
    assertThat(WebhookReceiver.verify(SECRET, r, clock.instant())).isTrue();
    assertThat(WebhookReceiver.verify("not-the-secret-0123456789", r, clock.instant())).isFalse();
  }

  @Test
  void anEmptyUserNameIsRefusedWithoutARequest() {
    ActionFailure f = catchThrowableOfType(ActionFailure.class,
        () -> new WebhookDisabler(server.url(PATH), SECRET, Duration.ofSeconds(5), clock).disable(" ", null));
    assertThat(f.retryable()).isFalse();
    assertThat(server.requests()).isEmpty();
  }
}
