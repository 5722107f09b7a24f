package io.phosor.forward;

import io.phosor.alert.AlertRoutes;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.event.Severity;
import io.phosor.incident.IncidentJson;
import io.phosor.live.LiveFeed;
import io.phosor.store.IncidentEvent;
import io.phosor.store.IncidentSummary;
import io.phosor.store.StoredAlert;
import java.time.Instant;
import java.util.Map;

/** Turns events, stored alerts and incident changes into {@link Item}s, in the JSON shapes the API shows. */
final class Records {
  private Records() {}

  /** A journaled event: the shape search returns; its document id is its seq and arrival time (unique, stable). */
  static Item event(Event e) {
    Map<String, Object> doc = LiveFeed.eventJson(e);
    Instant time = e.timestamp() != null ? e.timestamp() : e.ingested();
    return new Item(Kind.EVENTS, e.seq(), e.seq() + "-" + e.ingested().toEpochMilli(), time, severityOf(e), doc);
  }

  /** A stored alert as {@code /api/alerts} shows it; its document id is its fingerprint. */
  static Item alert(StoredAlert a) {
    Map<String, Object> doc = AlertRoutes.toJson(a);
    Instant time = a.alert().lastSeen() != null ? a.alert().lastSeen() : a.createdAt();
    return new Item(Kind.ALERTS, a.id(), a.fingerprint(), time == null ? Instant.EPOCH : time, a.alert().severity(),
        doc);
  }

  /**
   * One change of an incident: the incident as {@code /api/incidents} shows it now, with the timeline entry under
   * {@code change}.
   */
  static Item incident(IncidentEvent change, IncidentSummary s) {
    Map<String, Object> doc = IncidentJson.incident(s.incident(), s.lastAlertAt(), s.alertCount());
    doc.put("change", IncidentJson.event(change));
    return new Item(Kind.INCIDENTS, change.id(), s.incident().id() + "-" + change.id(),
        change.at() == null ? Instant.EPOCH : change.at(), s.incident().severity(), doc);
  }

  /** The event's severity: its {@code event.severity} word, else its syslog severity, else informational. */
  static Severity severityOf(Event e) {
    Object v = e.get(Fields.SEVERITY);
    if (v instanceof String s && Severity.parse(s) != null) {
      return Severity.parse(s);
    }
    if (e.get(Fields.SYSLOG_SEVERITY_CODE) instanceof Number n && n.intValue() >= 0 && n.intValue() <= 7) {
      return Severity.fromSyslog(n.intValue());
    }
    return Severity.INFORMATIONAL;
  }
}
