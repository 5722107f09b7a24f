package io.phosor.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.store.IncidentEvent;
import io.phosor.store.IncidentSummary;
import io.phosor.store.StoredAction;
import io.phosor.store.StoredIncident;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of incidents, the same on {@code /api/incidents} and the live feed: snake_case, ISO-8601 times. */
public final class IncidentJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IncidentJson() {}

  /** An incident as lists show it (a fresh, mutable map). */
  static Map<String, Object> summary(IncidentSummary s) {
    return incident(s.incident(), s.lastAlertAt(), s.alertCount());
  }

  /** An incident with its last alert time and alert count (a fresh, mutable map). */
  public static Map<String, Object> incident(StoredIncident i, Instant lastAlertAt, long alertCount) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("title", i.title());
    m.put("severity", i.severity().label());
    m.put("status", i.status().label());
    m.put("entity_type", i.entityType());
    m.put("entity_value", i.entityValue());
    m.put("assignee", i.assignee());
    m.put("created_by", i.createdBy());
    m.put("created_at", text(i.createdAt()));
    m.put("updated_at", text(i.updatedAt()));
    m.put("last_alert_at", text(lastAlertAt));
    m.put("alert_count", alertCount);
    return m;
  }

  /** A timeline entry; its detail as JSON (the store only keeps valid JSON). */
  public static Map<String, Object> event(IncidentEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("kind", e.kind());
    m.put("by", e.by());
    m.put("at", text(e.at()));
    m.put("detail", parse(e.detail()));
    return m;
  }

  /** A response action taken for the incident. */
  static Map<String, Object> action(StoredAction a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("type", a.type());
    m.put("parameters", parse(a.parameters()));
    m.put("alert_id", a.alertId());
    m.put("trigger", a.trigger());
    m.put("status", a.status().label());
    m.put("attempts", a.attempts());
    m.put("outcome", a.outcome());
    m.put("created_at", text(a.createdAt()));
    m.put("started_at", text(a.startedAt()));
    m.put("finished_at", text(a.finishedAt()));
    return m;
  }

  private static Object parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return json; // written by hand into the database: shown as the text it is
    }
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
