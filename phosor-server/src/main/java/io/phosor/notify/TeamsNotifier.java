package io.phosor.notify;

import io.phosor.event.Severity;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import io.phosor.respond.Notifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Teams incoming webhook: POSTs an Adaptive Card (version 1.4) in the "message" envelope
 * {@code {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":...}]}},
 * the format that both Teams Workflows ("Post to a channel when a webhook request is received") and the older
 * Office 365 connector webhooks accept. User text is markdown-escaped (TextBlock and FactSet render markdown).
 */
final class TeamsNotifier implements Notifier {
  static final String CARD = "application/vnd.microsoft.card.adaptive";
  /** The status inside a connector's "delivery failed" answer. */
  private static final Pattern INNER_STATUS = Pattern.compile("HTTP error (\\d{3})");

  private final URI url;
  private final Http http;

  TeamsNotifier(URI url, Duration timeout) {
    this.url = url;
    this.http = new Http(timeout, "Teams webhook", Http.secretsOf(url));
  }

  @Override
  public String channel() {
    return "teams";
  }

  @Override
  public String send(Notice n) throws ActionFailure {
    String body = Http.json(payload(n));
    Http.Answer a = http.send(http.request(url).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    // the older connector webhooks answer 200 with an error text when Teams itself failed, e.g. "Webhook message
    // delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId ..."
    if (a.body().toLowerCase(Locale.ROOT).contains("delivery failed")) {
      Matcher m = INNER_STATUS.matcher(a.body());
      boolean retryable = m.find() && Http.retryable(Integer.parseInt(m.group(1)));
      throw new ActionFailure(http.scrub("Teams webhook: HTTP " + a.status() + " but " + Text.oneLine(a.body(), 300)),
          retryable);
    }
    return "Teams: HTTP " + a.status();
  }

  static Map<String, Object> payload(Notice n) {
    String title = (n.resolve() ? "Resolved: " : "") + Text.oneLine(n.title(), 500);
    List<Object> body = new ArrayList<>();
    Map<String, Object> heading = new LinkedHashMap<>();
    heading.put("type", "TextBlock");
    heading.put("text", Text.markdown(title));
    heading.put("size", "Large");
    heading.put("weight", "Bolder");
    heading.put("wrap", true);
    heading.put("color", n.resolve() ? "Good" : color(n.severity()));
    body.add(heading);
    List<Object> facts = new ArrayList<>();
    facts.add(fact("Severity", Text.severity(n.severity())));
    String entity = Text.entity(n.entityType(), n.entityValue());
    if (entity != null) {
      facts.add(fact("Entity", Text.markdown(Text.oneLine(entity, 500))));
    }
    if (n.ruleId() != null) {
      facts.add(fact("Rule", Text.markdown(Text.oneLine(n.ruleId(), 500))));
    }
    if (!n.tags().isEmpty()) {
      facts.add(fact("Tags", Text.markdown(Text.oneLine(String.join(", ", n.tags()), 2000))));
    }
    if (n.incidentId() != null) {
      facts.add(fact("Incident", "#" + n.incidentId()));
    }
    if (n.at() != null) {
      facts.add(fact("Time", n.at().toString()));
    }
    body.add(Http.obj("type", "FactSet", "facts", facts));
    if (n.summary() != null && !n.summary().isBlank()) {
      body.add(Http.obj("type", "TextBlock", "text", Text.markdown(Text.cut(n.summary().strip(), 4000)), "wrap", true));
    }
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    card.put("body", body);
    if (n.link() != null) {
      card.put("actions", List.of(Http.obj("type", "Action.OpenUrl", "title", "Open in Phosor", "url",
          n.link().toString())));
    }
    Map<String, Object> attachment = new LinkedHashMap<>();
    attachment.put("contentType", CARD);
    attachment.put("contentUrl", null);
    attachment.put("content", card);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "message");
    m.put("attachments", List.of(attachment));
    return m;
  }

  private static String color(Severity s) {
    if (s == null) {
      return "Default";
    }
    return switch (s) {
      case CRITICAL, HIGH -> "Attention";
      case MEDIUM -> "Warning";
      default -> "Default";
    };
  }

  private static Map<String, Object> fact(String title, String value) {
    return Http.obj("title", title, "value", value);
  }
}
