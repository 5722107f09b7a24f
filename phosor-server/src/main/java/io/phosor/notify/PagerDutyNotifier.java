package io.phosor.notify;

import io.phosor.event.Severity;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import io.phosor.respond.Notifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"): a trigger event with the notice's
 * dedup key, so that a later resolve closes the same alert; a resolve carries only routing_key, event_action and
 * dedup_key. PagerDuty answers 202 when it accepted the event, 400 when the event is invalid (retrying cannot help),
 * 429 when rate limited and 5xx on its errors (both: retry with backoff).
 */
final class PagerDutyNotifier implements Notifier {
  /** PagerDuty's limits: summary 1024 characters, dedup_key 255. */
  static final int MAX_SUMMARY = 1024;
  static final int MAX_DEDUP_KEY = 255;

  private final URI url;
  private final String routingKey;
  private final Http http;

  PagerDutyNotifier(URI url, String routingKey, Duration timeout) {
    this.url = url;
    this.routingKey = routingKey;
    List<String> secrets = new java.util.ArrayList<>(List.of(routingKey));
    this.http = new Http(timeout, "PagerDuty", secrets);
  }

  @Override
  public String channel() {
    return "pagerduty";
  }

  @Override
  public String send(Notice n) throws ActionFailure {
    if (n.dedupKey() == null || n.dedupKey().isEmpty() || n.dedupKey().length() > MAX_DEDUP_KEY) {
      throw new ActionFailure("PagerDuty: the dedup key must have 1 to " + MAX_DEDUP_KEY + " characters", false);
    }
    String body = Http.json(payload(n, routingKey));
    Http.Answer a = http.send(http.request(url).header("Content-Type", "application/json")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    return "PagerDuty " + (n.resolve() ? "resolve" : "trigger") + " accepted (HTTP " + a.status() + ")";
  }

  static Map<String, Object> payload(Notice n, String routingKey) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("routing_key", routingKey);
    m.put("event_action", n.resolve() ? "resolve" : "trigger");
    m.put("dedup_key", n.dedupKey());
    if (n.resolve()) {
      return m;
    }
    Map<String, Object> p = new LinkedHashMap<>();
    String summary = Text.oneLine(n.title(), MAX_SUMMARY);
    p.put("summary", summary.isEmpty() ? "Phosor alert" : summary);
    p.put("source", "phosor");
    p.put("severity", severity(n.severity()));
    if (n.at() != null) {
      p.put("timestamp", n.at().toString());
    }
    if (n.entityValue() != null) {
      p.put("component", n.entityValue());
    }
    if (n.entityType() != null) {
      p.put("group", n.entityType());
    }
    if (n.ruleId() != null) {
      p.put("class", n.ruleId());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    if (n.summary() != null) {
      details.put("summary", n.summary());
    }
    details.put("phosor_severity", n.severity() == null ? null : n.severity().label());
    details.put("incident_id", n.incidentId());
    details.put("alert_id", n.alertId());
    details.put("rule_id", n.ruleId());
    details.put("tags", n.tags());
    details.put("entity_type", n.entityType());
    details.put("entity_value", n.entityValue());
    details.putAll(n.details());
    p.put("custom_details", details);
    m.put("payload", p);
    if (n.link() != null) {
      m.put("client", "Phosor");
      m.put("client_url", n.link().toString());
      m.put("links", List.of(Http.obj("href", n.link().toString(), "text",
          n.incidentId() != null ? "Phosor incident #" + n.incidentId() : "Open in Phosor")));
    }
    return m;
  }

  /** Phosor's five severities onto PagerDuty's four: critical, error (high), warning (medium), info. */
  static String severity(Severity s) {
    if (s == null) {
      return "info";
    }
    return switch (s) {
      case CRITICAL -> "critical";
      case HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFORMATIONAL -> "info";
    };
  }
}
