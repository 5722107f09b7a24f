package io.phosor.store;

import io.phosor.event.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Incidents, the alerts linked to them, and their timelines. Every change is also appended to the
 * incident's timeline, in the same transaction, with who made it.
 */
public final class Incidents {
  private static final String COLUMNS = "id, title, severity, status, entity_type, entity_value, assignee, created_by, "
      + "created_at, updated_at";
  /** Timeline kinds are short snake_case words, so clients can switch on them. */
  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,49}");

  private final Db db;
  private final Clock clock;

  Incidents(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Opens an incident and returns it; its timeline starts with a "created" entry.
   *
   * @param entityType what kind of thing it is about ("ip", "user", ...), or null
   * @param entityValue which one, or null
   */
  public StoredIncident create(String title, Severity severity, String entityType, String entityValue, String who) {
    Check.text(title, "incident title", Check.MAX_TEXT);
    Objects.requireNonNull(severity, "severity");
    Check.optionalText(entityType, "incident entity type", Check.MAX_ID);
    Check.optionalText(entityValue, "incident entity value", Check.MAX_TEXT);
    Check.id(who, "who");
    Instant now = now();
    return db.write("create incident", c -> {
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO incidents (title, severity, status, entity_type, "
          + "entity_value, created_by, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id")) {
        ps.setString(1, title);
        ps.setString(2, severity.label());
        ps.setString(3, entityType);
        ps.setString(4, entityValue);
        ps.setString(5, who);
        db.setInstant(ps, 6, now);
        db.setInstant(ps, 7, now);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
      event(c, id, "created", detail("title", title, "severity", severity.label()), who, now);
      return new StoredIncident(id, title, severity, IncidentStatus.OPEN, entityType, entityValue, null, who, now, now);
    });
  }

  /** The incident with this id, if it exists. */
  public Optional<StoredIncident> get(long id) {
    return db.read("read incident " + id, c -> find(c, id));
  }

  /** The newest {@code limit} (1-1000) incidents, highest id first; only those in {@code status} unless null. */
  public List<StoredIncident> list(int limit, IncidentStatus status) {
    Check.limit(limit);
    String sql = "SELECT " + COLUMNS + " FROM incidents" + (status == null ? "" : " WHERE status = ?")
        + " ORDER BY id DESC LIMIT ?";
    return db.read("list incidents", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (status != null) {
          ps.setString(i++, status.label());
        }
        ps.setInt(i, limit);
        List<StoredIncident> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
        return out;
      }
    });
  }

  /**
   * Sets the status (any status may follow any other: resolved incidents can be reopened) and returns
   * the incident; a "status_changed" entry records from and to. Setting the current status changes nothing.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public StoredIncident updateStatus(long id, IncidentStatus status, String who) {
    Objects.requireNonNull(status, "status");
    Check.id(who, "who");
    Instant now = now();
    return db.write("change status of incident " + id, c -> {
      StoredIncident before = find(c, id).orElseThrow(() -> notFound(id));
      if (before.status() == status) {
        return before;
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET status = ?, updated_at = ? WHERE id = ?")) {
        ps.setString(1, status.label());
        db.setInstant(ps, 2, now);
        ps.setLong(3, id);
        ps.executeUpdate();
      }
      event(c, id, "status_changed", detail("from", before.status().label(), "to", status.label()), who, now);
      return find(c, id).orElseThrow();
    });
  }

  /**
   * Assigns the incident to {@code assignee} (null: unassigns) and returns it; an "assigned" entry
   * records from and to. Assigning the current assignee changes nothing.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public StoredIncident assign(long id, String assignee, String who) {
    if (assignee != null) {
      Check.id(assignee, "assignee");
    }
    Check.id(who, "who");
    Instant now = now();
    return db.write("assign incident " + id, c -> {
      StoredIncident before = find(c, id).orElseThrow(() -> notFound(id));
      if (Objects.equals(before.assignee(), assignee)) {
        return before;
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET assignee = ?, updated_at = ? WHERE id = ?")) {
        ps.setString(1, assignee);
        db.setInstant(ps, 2, now);
        ps.setLong(3, id);
        ps.executeUpdate();
      }
      event(c, id, "assigned", detail("from", before.assignee(), "to", assignee), who, now);
      return find(c, id).orElseThrow();
    });
  }

  /**
   * Adds a note (free text) to the incident's timeline and returns the entry (kind "note", detail
   * {@code {"text": ...}}).
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public IncidentEvent addNote(long id, String text, String who) {
    Check.text(text, "note", Check.MAX_TEXT);
    return appendEvent(id, "note", detail("text", text), who);
  }

  /**
   * Links an alert to the incident; returns false when it was already linked (nothing changes). A new
   * link adds an "alert_linked" entry.
   *
   * @throws StoreNotFoundException when the incident or the alert does not exist
   */
  public boolean linkAlert(long id, long alertId, String who) {
    Check.id(who, "who");
    Instant now = now();
    return db.write("link alert " + alertId + " to incident " + id, c -> {
      find(c, id).orElseThrow(() -> notFound(id));
      if (!exists(c, "SELECT 1 FROM alerts WHERE id = ?", alertId)) {
        throw Alerts.notFound(alertId);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_alerts (incident_id, alert_id, linked_at) "
          + "VALUES (?, ?, ?) ON CONFLICT (incident_id, alert_id) DO NOTHING")) {
        ps.setLong(1, id);
        ps.setLong(2, alertId);
        db.setInstant(ps, 3, now);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      event(c, id, "alert_linked", detail("alert_id", alertId), who, now);
      return true;
    });
  }

  /** Ids of the alerts linked to the incident, in the order they were linked (empty for an unknown incident). */
  public List<Long> alertIds(long id) {
    return db.read("read alerts of incident " + id, c -> {
      List<Long> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT alert_id FROM incident_alerts WHERE incident_id = ? "
          + "ORDER BY linked_at, alert_id")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
      }
      return out;
    });
  }

  /**
   * Appends an entry of kind {@code kind} (snake_case, e.g. "action_executed") with a JSON {@code detail}
   * (or null) to the incident's timeline and returns it.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public IncidentEvent appendEvent(long id, String kind, String detail, String who) {
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException("timeline entry kind must be snake_case (a-z, 0-9, _; at most 50), was \""
          + kind + "\"");
    }
    Check.json(detail, "timeline entry detail", Check.MAX_JSON);
    Check.id(who, "who");
    Instant now = now();
    return db.write("add to timeline of incident " + id, c -> {
      find(c, id).orElseThrow(() -> notFound(id));
      return event(c, id, kind, detail, who, now);
    });
  }

  /** The incident's timeline, oldest first (empty for an unknown incident). */
  public List<IncidentEvent> timeline(long id) {
    return db.read("read timeline of incident " + id, c -> {
      List<IncidentEvent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, incident_id, kind, detail, actor, created_at "
          + "FROM incident_events WHERE incident_id = ? ORDER BY id")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new IncidentEvent(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                db.instant(rs, "created_at")));
          }
        }
      }
      return out;
    });
  }

  /** Appends a timeline entry and bumps the incident's updated_at. */
  private IncidentEvent event(Connection c, long id, String kind, String detail, String who, Instant now)
      throws SQLException {
    long eventId;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_events (incident_id, kind, detail, actor, "
        + "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
      ps.setLong(1, id);
      ps.setString(2, kind);
      ps.setString(3, detail);
      ps.setString(4, who);
      db.setInstant(ps, 5, now);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        eventId = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET updated_at = ? WHERE id = ?")) {
      db.setInstant(ps, 1, now);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
    return new IncidentEvent(eventId, id, kind, detail, who, now);
  }

  /** A timeline detail: a JSON object of the given name, value pairs, in that order (nulls kept). */
  private static String detail(Object... nameValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put((String) nameValues[i], nameValues[i + 1]);
    }
    return Check.toJson(m);
  }

  static boolean exists(Connection c, String sql, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static StoreNotFoundException notFound(long id) {
    return new StoreNotFoundException("incident " + id + " does not exist");
  }

  private Optional<StoredIncident> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM incidents WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private StoredIncident row(ResultSet rs) throws SQLException {
    return new StoredIncident(rs.getLong("id"), rs.getString("title"),
        Severity.valueOf(rs.getString("severity").toUpperCase(Locale.ROOT)), IncidentStatus.parse(rs.getString("status")),
        rs.getString("entity_type"), rs.getString("entity_value"), rs.getString("assignee"), rs.getString("created_by"),
        db.instant(rs, "created_at"), db.instant(rs, "updated_at"));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
