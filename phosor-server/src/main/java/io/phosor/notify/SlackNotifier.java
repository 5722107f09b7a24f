package io.phosor.notify;

import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import io.phosor.respond.Notifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slack incoming webhook (api.slack.com/messaging/webhooks): POSTs {@code {"text", "blocks"}} with a header block
 * (the title), a section of fields (severity, entity, rule, tags), the summary, a context line and a button to the
 * incident when there is a link. User text in mrkdwn is escaped ({@code & < >}), so it cannot mention
 * {@code @channel} or make a link; limits are Slack's (header 150, field 2000, section 3000 characters).
 */
final class SlackNotifier implements Notifier {
  private final URI url;
  private final Http http;

  SlackNotifier(URI url, Duration timeout) {
    this.url = url;
    this.http = new Http(timeout, "Slack webhook", Http.secretsOf(url));
  }

  @Override
  public String channel() {
    return "slack";
  }

  @Override
  public String send(Notice n) throws ActionFailure {
    String body = Http.json(payload(n));
    Http.Answer a = http.send(http.request(url).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    return "Slack: HTTP " + a.status() + (a.body().isBlank() ? "" : " " + http.scrub(Text.oneLine(a.body(), 100)));
  }

  /** The message: the fallback text (notifications, screen readers) and the blocks. */
  static Map<String, Object> payload(Notice n) {
    String title = (n.resolve() ? "Resolved: " : "") + Text.oneLine(n.title(), 500);
    List<Object> blocks = new ArrayList<>();
    blocks.add(Http.obj("type", "header", "text", plain(Text.cut(title, 150))));
    List<Object> fields = new ArrayList<>();
    fields.add(mrkdwn("*Severity*\n" + Text.severity(n.severity())));
    String entity = Text.entity(n.entityType(), n.entityValue());
    if (entity != null) {
      fields.add(mrkdwn("*Entity*\n" + Text.cut(Text.slack(Text.oneLine(entity, 500)), 1900)));
    }
    if (n.ruleId() != null) {
      fields.add(mrkdwn("*Rule*\n" + Text.cut(Text.slack(Text.oneLine(n.ruleId(), 500)), 1900)));
    }
    if (!n.tags().isEmpty()) {
      fields.add(mrkdwn("*Tags*\n" + Text.cut(Text.slack(Text.oneLine(String.join(", ", n.tags()), 1900)), 1900)));
    }
    if (n.incidentId() != null) {
      fields.add(mrkdwn("*Incident*\n#" + n.incidentId()));
    }
    blocks.add(Http.obj("type", "section", "fields", fields));
    if (n.summary() != null && !n.summary().isBlank()) {
      blocks.add(Http.obj("type", "section", "text", mrkdwn(Text.cut(Text.slack(n.summary().strip()), 2900))));
    }
    String at = n.at() == null ? "" : " · " + n.at();
    blocks.add(Http.obj("type", "context", "elements", List.of(mrkdwn("Phosor" + at))));
    if (n.link() != null) {
      Map<String, Object> button = new LinkedHashMap<>();
      button.put("type", "button");
      button.put("text", plain("Open in Phosor"));
      button.put("url", n.link().toString());
      blocks.add(Http.obj("type", "actions", "elements", List.of(button)));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", Text.cut(Text.slack(title), 3000));
    m.put("blocks", blocks);
    return m;
  }

  private static Map<String, Object> plain(String text) {
    return Http.obj("type", "plain_text", "text", text.isEmpty() ? "(no title)" : text, "emoji", false);
  }

  private static Map<String, Object> mrkdwn(String text) {
    return Http.obj("type", "mrkdwn", "text", text);
  }
}
