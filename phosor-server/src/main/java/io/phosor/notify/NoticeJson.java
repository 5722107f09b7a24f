package io.phosor.notify;

import io.phosor.respond.Notice;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of a {@link Notice} that the generic webhook sends (documented in docs/integrations.md). */
final class NoticeJson {
  private NoticeJson() {}

  static Map<String, Object> of(Notice n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dedup_key", n.dedupKey());
    m.put("event", n.resolve() ? "resolve" : "trigger");
    m.put("title", n.title());
    m.put("severity", n.severity() == null ? null : n.severity().label());
    m.put("summary", n.summary());
    m.put("incident_id", n.incidentId());
    m.put("alert_id", n.alertId());
    m.put("rule_id", n.ruleId());
    m.put("tags", n.tags());
    if (n.entityValue() != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("type", n.entityType());
      e.put("value", n.entityValue());
      m.put("entity", e);
    } else {
      m.put("entity", null);
    }
    m.put("at", n.at() == null ? null : n.at().toString());
    m.put("link", n.link() == null ? null : n.link().toString());
    m.put("details", n.details());
    return m;
  }
}
