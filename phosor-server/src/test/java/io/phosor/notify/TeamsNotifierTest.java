package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.notify.RecordingServer.Reply;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TeamsNotifierTest extends HttpIntegrationContract {
  static final String SIG = "teamsWorkflowSignature0123456789";
  static final String PATH = "/workflows/0b1c2d3e4f/triggers/manual/paths/invoke?api-version=1&sig=" + SIG;

  @Override
  String path() {
    return PATH;
  }

  @Override
  List<String> secrets() {
    return List.of(SIG);
  }

  @Override
  String attempt(URI url, Duration timeout) throws ActionFailure {
    return new TeamsNotifier(url, timeout).send(Notices.incident());
  }

  private JsonNode sent(Notice n) throws ActionFailure {
    server.then(Reply.status(202));
    assertThat(new TeamsNotifier(server.url(PATH), Duration.ofSeconds(5)).send(n)).isEqualTo("Teams: HTTP 202");
    RecordingServer.Request r = server.only();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/workflows/0b1c2d3e4f/triggers/manual/paths/invoke");
    assertThat(r.query("sig")).isEqualTo(SIG);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    return r.json();
  }

  @Test
  void postsAnAdaptiveCardInAMessageEnvelope() throws Exception {
    JsonNode body = sent(Notices.incident());
    assertThat(body.path("type").asText()).isEqualTo("message");
    assertThat(body.path("attachments")).hasSize(1);
    JsonNode attachment = body.path("attachments").get(0);
    assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
    JsonNode card = attachment.path("content");
    assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
    assertThat(card.path("version").asText()).isEqualTo("1.4");
    assertThat(card.path("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
    JsonNode heading = card.path("body").get(0);
    assertThat(heading.path("type").asText()).isEqualTo("TextBlock");
    assertThat(heading.path("text").asText()).isEqualTo("\\[HIGH\\] SSH brute force from 203.0.113.7");
    assertThat(heading.path("color").asText()).isEqualTo("Attention");
    Map<String, String> facts = new LinkedHashMap<>();
    card.path("body").get(1).path("facts").forEach(f -> facts.put(f.path("title").asText(), f.path("value").asText()));
    assertThat(facts).containsExactly(Map.entry("Severity", "HIGH"), Map.entry("Entity", "ip 203.0.113.7"),
        Map.entry("Rule", "ssh-brute-force"), Map.entry("Tags", "attack.t1110, attack.credential\\_access"),
        Map.entry("Incident", "#42"), Map.entry("Time", "2026-01-02T03:04:05Z"));
    assertThat(card.path("body").get(2).path("text").asText())
        .isEqualTo("12 failed logins for root in 60 s\nfrom 203.0.113.7");
    JsonNode action = card.path("actions").get(0);
    assertThat(action.path("type").asText()).isEqualTo("Action.OpenUrl");
    assertThat(action.path("url").asText()).isEqualTo("https://phosor.example.com/#/incidents/42");
  }

  @Test
  void markdownInUserTextIsEscapedSoItCannotMakeALink() throws Exception {
    JsonNode card = sent(Notices.hostile()).path("attachments").get(0).path("content");
    assertThat(card.path("body").get(0).path("text").asText())
        .isEqualTo("<!channel> & <http://evil.example|click> \\[x\\]\\(http://evil.example\\)");
    assertThat(card.path("body").get(2).path("text").asText()).startsWith("\\*bold\\* <@U123>");
    assertThat(card.has("actions")).isFalse();
  }

  @Test
  void aConnectorThatAnswers200WithADeliveryFailureIsAFailureRetryableWhenThrottled() {
    server.then(Reply.text(200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned "
        + "HTTP error 429 with ContextId tcid=0,server=msgapi-production"));
    ActionFailure throttled = failure();
    assertThat(throttled.retryable()).isTrue();
    assertThat(throttled.getMessage()).contains("HTTP error 429");

    server.then(Reply.text(200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned "
        + "HTTP error 400 with ContextId tcid=0"));
    assertThat(failure().retryable()).isFalse();
  }

  @Test
  void aResolveIsGreenAndSaysResolved() throws Exception {
    JsonNode heading = sent(Notices.resolved()).path("attachments").get(0).path("content").path("body").get(0);
    assertThat(heading.path("text").asText()).startsWith("Resolved: ");
    assertThat(heading.path("color").asText()).isEqualTo("Good");
  }
}
