package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.notify.RecordingServer.Reply;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackNotifierTest extends HttpIntegrationContract {
  static final String PATH = "/services/T0000/B0000/XXXXslacksecretXXXX";

  @Override
  String path() {
    return PATH;
  }

  @Override
  List<String> secrets() {
    return List.of("XXXXslacksecretXXXX", PATH);
  }

  @Override
  String attempt(URI url, Duration timeout) throws ActionFailure {
    return new SlackNotifier(url, timeout).send(Notices.incident());
  }

  private JsonNode sent(Notice n) throws ActionFailure {
    server.then(Reply.text(200, "ok"));
    String outcome = new SlackNotifier(server.url(PATH), Duration.ofSeconds(5)).send(n);
    assertThat(outcome).isEqualTo("Slack: HTTP 200 ok");
    RecordingServer.Request r = server.only();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(PATH);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    return r.json();
  }

  @Test
  void postsTheTitleSeverityEntityRuleTagsSummaryAndALinkButton() throws Exception {
    JsonNode body = sent(Notices.incident());
    assertThat(body.path("text").asText()).isEqualTo("[HIGH] SSH brute force from 203.0.113.7");
    JsonNode blocks = body.path("blocks");
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).path("text").path("type").asText()).isEqualTo("plain_text");
    assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo("[HIGH] SSH brute force from 203.0.113.7");
    List<String> fields = new ArrayList<>();
    blocks.get(1).path("fields").forEach(f -> fields.add(f.path("text").asText()));
    assertThat(fields).containsExactly("*Severity*\nHIGH", "*Entity*\nip 203.0.113.7", "*Rule*\nssh-brute-force",
        "*Tags*\nattack.t1110, attack.credential_access", "*Incident*\n#42");
    assertThat(blocks.get(2).path("text").path("text").asText())
        .isEqualTo("12 failed logins for root in 60 s\nfrom 203.0.113.7");
    assertThat(blocks.get(3).path("type").asText()).isEqualTo("context");
    JsonNode actions = blocks.get(4);
    assertThat(actions.path("type").asText()).isEqualTo("actions");
    assertThat(actions.path("elements").get(0).path("type").asText()).isEqualTo("button");
    assertThat(actions.path("elements").get(0).path("url").asText())
        .isEqualTo("https://phosor.example.com/#/incidents/42");
    assertThat(blocks).hasSize(5);
  }

  @Test
  void userTextIsEscapedSoItCannotMentionEveryoneOrMakeALink() throws Exception {
    JsonNode body = sent(Notices.hostile());
    assertThat(body.path("text").asText())
        .isEqualTo("&lt;!channel&gt; &amp; &lt;http://evil.example|click&gt; [x](http://evil.example)");
    // mrkdwn parts are escaped; the header is plain_text, which Slack shows as typed (no mentions, no links)
    assertThat(body.path("blocks").get(0).path("text").path("type").asText()).isEqualTo("plain_text");
    String mrkdwn = String.join("\n", body.findValuesAsText("text").stream()
        .filter(t -> !t.equals(body.path("blocks").get(0).path("text").path("text").asText())).toList());
    assertThat(mrkdwn).doesNotContain("<!channel>").doesNotContain("<@U123>").doesNotContain("<http");
    List<String> fields = new ArrayList<>();
    body.path("blocks").get(1).path("fields").forEach(f -> fields.add(f.path("text").asText()));
    assertThat(fields).contains("*Entity*\nuser bob X-Injected: yes", "*Rule*\nrule&lt;1&gt;", "*Tags*\na&amp;b");
    assertThat(body.path("blocks").findValuesAsText("type")).doesNotContain("actions"); // no link, no button
  }

  @Test
  void aResolveSaysResolved() throws Exception {
    JsonNode body = sent(Notices.resolved());
    assertThat(body.path("text").asText()).startsWith("Resolved: [HIGH] SSH brute force");
  }

  @Test
  void theSuccessOutcomeDoesNotEchoTheSecret() throws Exception {
    server.then(Reply.text(200, "ok " + PATH));
    String outcome = attempt();
    assertNoSecret(outcome);
    assertThat(outcome).startsWith("Slack: HTTP 200");
  }
}
