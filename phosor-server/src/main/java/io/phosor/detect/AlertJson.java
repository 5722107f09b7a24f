package io.phosor.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape of an alert, the same everywhere (replay output, {@code /api/alerts},
 * {@code /api/rules/test}): snake_case keys, severity as its label, times as ISO-8601 strings.
 */
public final class AlertJson {
  private AlertJson() {}

  /** The alert as an ordered JSON-ready map. */
  public static Map<String, Object> toMap(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", a.ruleId());
    m.put("rule_name", a.ruleName());
    m.put("severity", a.severity() == null ? null : a.severity().label());
    m.put("tags", a.tags());
    m.put("group", a.groupKey());
    m.put("first_seen", a.firstSeen() == null ? null : a.firstSeen().toString());
    m.put("last_seen", a.lastSeen() == null ? null : a.lastSeen().toString());
    m.put("count", a.count());
    m.put("event_ids", a.eventIds());
    m.put("summary", a.summary());
    return m;
  }
}
