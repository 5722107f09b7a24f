package io.phosor.store;

import io.phosor.event.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Collection;
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
      long id = insert(c, title, severity, entityType, entityValue, who, now);
      return new StoredIncident(id, title, severity, IncidentStatus.OPEN, entityType, entityValue, null, who, now, now);
    });
  }

  /** Inserts an open incident with its "created" timeline entry and returns its id. */
  private long insert(Connection c, String title, Severity severity, String entityType, String entityValue, String who,
      Instant now) throws SQLException {
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
    return id;
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
   * link adds an "alert_linked" entry, moves the incident's last alert time up to the alert's (its last event)
   * and raises its severity to the alert's when that is higher (a "severity_raised" entry).
   *
   * @throws StoreNotFoundException when the incident or the alert does not exist
   */
  public boolean linkAlert(long id, long alertId, String who) {
    Check.id(who, "who");
    Instant now = now();
    return db.write("link alert " + alertId + " to incident " + id, c -> {
      find(c, id).orElseThrow(() -> notFound(id));
      AlertFacts alert = alertFacts(c, alertId);
      if (!insertLink(c, id, alertId, now)) {
        return false;
      }
      afterLink(c, id, alert, who, now);
      return true;
    });
  }

  /**
   * Groups alert {@code alertId} into an incident, all in one transaction (a crash leaves it either wholly
   * grouped or not at all): when the alert is already linked to an incident nothing changes and that incident
   * is returned ({@code linked} false), so asking again after a crash never links twice. Otherwise it joins the
   * newest incident about the same entity that is not resolved and whose last alert time is within
   * {@code window} of the alert's time (its last event, either side, so late alerts join too), or a new incident
   * titled {@code title} opens. Linking works as in {@link #linkAlert}.
   *
   * @param entityType what the alert is about ("ip", "user", "host", "rule")
   * @param entityValue which one
   * @param title the title of the incident if one opens
   * @param who who groups ("system")
   * @throws StoreNotFoundException when there is no such alert
   */
  public AlertGrouping group(long alertId, String entityType, String entityValue, String title, Duration window,
      String who) {
    Check.id(entityType, "incident entity type");
    Check.text(entityValue, "incident entity value", Check.MAX_TEXT);
    Check.text(title, "incident title", Check.MAX_TEXT);
    Objects.requireNonNull(window, "window");
    if (window.isNegative()) {
      throw new IllegalArgumentException("grouping window must not be negative, was " + window);
    }
    Check.id(who, "who");
    Instant now = now();
    return db.write("group alert " + alertId, c -> groupIn(c, alertId, entityType, entityValue, title, window, who,
        now));
  }

  /** One alert to group with {@link #groupAll}: the arguments of {@link #group} that differ per alert. */
  public record GroupRequest(long alertId, String entityType, String entityValue, String title) {}

  /**
   * Groups the alerts in order exactly as {@link #group} does one, all in one transaction: one commit for the batch
   * instead of one per alert (on SQLite with synchronous=FULL each commit is an fsync). Returns the groupings in the
   * order of {@code requests}; a crash leaves the whole batch grouped or none of it.
   *
   * @throws StoreNotFoundException when one of the alerts does not exist (nothing is grouped then)
   * @throws IllegalArgumentException when a request holds a value the store refuses (nothing is grouped then)
   */
  public List<AlertGrouping> groupAll(List<GroupRequest> requests, Duration window, String who) {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(window, "window");
    if (window.isNegative()) {
      throw new IllegalArgumentException("grouping window must not be negative, was " + window);
    }
    Check.id(who, "who");
    Check.batch(requests.size(), "alerts to group");
    for (GroupRequest r : requests) {
      Check.id(r.entityType(), "incident entity type");
      Check.text(r.entityValue(), "incident entity value", Check.MAX_TEXT);
      Check.text(r.title(), "incident title", Check.MAX_TEXT);
    }
    if (requests.isEmpty()) {
      return List.of();
    }
    Instant now = now();
    return db.write("group " + requests.size() + " alerts", c -> {
      List<AlertGrouping> out = new ArrayList<>(requests.size());
      for (GroupRequest r : requests) {
        out.add(groupIn(c, r.alertId(), r.entityType(), r.entityValue(), r.title(), window, who, now));
      }
      return out;
    });
  }

  private AlertGrouping groupIn(Connection c, long alertId, String entityType, String entityValue, String title,
      Duration window, String who, Instant now) throws SQLException {
    AlertFacts alert = alertFacts(c, alertId);
    Long already = incidentOf(c, alertId);
    if (already != null) {
      return new AlertGrouping(find(c, already).orElseThrow(), firstAlert(c, already) == alertId, false, false);
    }
    Long joined = joinable(c, entityType, entityValue, alert.time(), window);
    long id = joined != null ? joined
        : insert(c, title, alert.severity(), entityType, entityValue, who, now);
    insertLink(c, id, alertId, now);
    boolean raised = afterLink(c, id, alert, who, now);
    return new AlertGrouping(find(c, id).orElseThrow(), joined == null, true, raised);
  }

  /**
   * Raises the incident's severity to {@code severity} when that is higher (a "severity_raised" entry records
   * from and to) and returns the incident; a lower or equal severity changes nothing.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public StoredIncident raiseSeverity(long id, Severity severity, String who) {
    Objects.requireNonNull(severity, "severity");
    Check.id(who, "who");
    Instant now = now();
    return db.write("raise severity of incident " + id, c -> {
      StoredIncident before = find(c, id).orElseThrow(() -> notFound(id));
      raise(c, before, severity, null, who, now);
      return find(c, id).orElseThrow();
    });
  }

  /**
   * Resolves the incident and, in the same transaction, its alerts that are not resolved yet (by {@code who},
   * now); returns the ids of those alerts. A "status_changed" entry records the change (none when it was already
   * resolved) and, when there were any, an "alerts_resolved" entry lists the alerts.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public List<Long> resolve(long id, String who) {
    Check.id(who, "who");
    Instant now = now();
    return db.write("resolve incident " + id, c -> {
      StoredIncident before = find(c, id).orElseThrow(() -> notFound(id));
      if (before.status() != IncidentStatus.RESOLVED) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET status = 'resolved', updated_at = ? "
            + "WHERE id = ?")) {
          db.setInstant(ps, 1, now);
          ps.setLong(2, id);
          ps.executeUpdate();
        }
        event(c, id, "status_changed", detail("from", before.status().label(), "to", "resolved"), who, now);
      }
      List<Long> open = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT a.id FROM alerts a JOIN incident_alerts ia ON "
          + "ia.alert_id = a.id WHERE ia.incident_id = ? AND a.status <> 'resolved' ORDER BY a.id")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            open.add(rs.getLong(1));
          }
        }
      }
      if (open.isEmpty()) {
        return open;
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET status = 'resolved', resolved_by = ?, "
          + "resolved_at = ? WHERE id = ? AND status <> 'resolved'")) {
        for (long alertId : open) {
          ps.setString(1, who);
          db.setInstant(ps, 2, now);
          ps.setLong(3, alertId);
          ps.executeUpdate();
        }
      }
      event(c, id, "alerts_resolved", detail("alert_ids", open), who, now);
      return open;
    });
  }

  /** The incidents matching {@code query}, newest (highest id) first, with their last alert time and alert count. */
  public List<IncidentSummary> list(IncidentQuery query) {
    Objects.requireNonNull(query, "query");
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + ", last_alert_at, (SELECT count(*) FROM "
        + "incident_alerts ia WHERE ia.incident_id = incidents.id) AS alert_count FROM incidents WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (query.status() != null) {
      sql.append(" AND status = ?");
      args.add(query.status().label());
    }
    if (query.minSeverity() != null) {
      sql.append(" AND severity IN (");
      String sep = "";
      for (Severity s : Severity.values()) {
        if (s.compareTo(query.minSeverity()) >= 0) {
          sql.append(sep).append('?');
          args.add(s.label());
          sep = ", ";
        }
      }
      sql.append(')');
    }
    if (query.assignee() != null) {
      sql.append(" AND assignee = ?");
      args.add(query.assignee());
    }
    if (query.entityType() != null) {
      sql.append(" AND entity_type = ?");
      args.add(query.entityType());
    }
    if (query.entityValue() != null) {
      sql.append(" AND entity_value = ?");
      args.add(query.entityValue());
    }
    if (query.beforeId() != null) {
      sql.append(" AND id < ?");
      args.add(query.beforeId());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(query.limit());
    return db.read("list incidents", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        List<IncidentSummary> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(summaryRow(rs));
          }
        }
        return out;
      }
    });
  }

  /** The incident with this id with its last alert time and alert count, if it exists. */
  public Optional<IncidentSummary> summary(long id) {
    return db.read("read incident " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", last_alert_at, (SELECT count(*) FROM "
          + "incident_alerts ia WHERE ia.incident_id = incidents.id) AS alert_count FROM incidents WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(summaryRow(rs)) : Optional.empty();
        }
      }
    });
  }

  /** How many incidents are in each status (every status present, 0 when none). */
  public Map<IncidentStatus, Long> countByStatus() {
    return db.read("count incidents by status", c -> {
      Map<IncidentStatus, Long> counts = new EnumMap<>(IncidentStatus.class);
      for (IncidentStatus s : IncidentStatus.values()) {
        counts.put(s, 0L);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM incidents GROUP BY status");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(IncidentStatus.parse(rs.getString(1)), rs.getLong(2));
        }
      }
      return counts;
    });
  }

  /** The severity, rule and time (last event) of an alert, read inside a grouping transaction. */
  private record AlertFacts(long id, String ruleId, Severity severity, Instant time) {}

  private AlertFacts alertFacts(Connection c, long alertId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, severity, last_seen FROM alerts WHERE id = ?")) {
      ps.setLong(1, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw Alerts.notFound(alertId);
        }
        return new AlertFacts(alertId, rs.getString("rule_id"), severity(rs.getString("severity")),
            db.instant(rs, "last_seen"));
      }
    }
  }

  /** The incident the alert is linked to (the oldest if several), or null. */
  private static Long incidentOf(Connection c, long alertId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT min(incident_id) FROM incident_alerts WHERE alert_id = ?")) {
      ps.setLong(1, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long id = rs.getLong(1);
        return rs.wasNull() ? null : id;
      }
    }
  }

  /** The lowest alert id linked to the incident (alerts are grouped in id order: the one that opened it). */
  private static long firstAlert(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT min(alert_id) FROM incident_alerts WHERE incident_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * The newest unresolved incident about the entity whose last alert is within {@code window} of {@code time},
   * or null. On PostgreSQL the row is locked until the transaction ends, so a concurrent resolve waits for the
   * link (SQLite has one writer at a time anyway).
   */
  private Long joinable(Connection c, String entityType, String entityValue, Instant time, Duration window)
      throws SQLException {
    String sql = "SELECT id FROM incidents WHERE entity_type = ? AND entity_value = ? AND status <> 'resolved' "
        + "AND last_alert_at >= ? AND last_alert_at <= ? ORDER BY last_alert_at DESC, id DESC LIMIT 1"
        + (db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, entityType);
      ps.setString(2, entityValue);
      db.setInstant(ps, 3, time.minus(window));
      db.setInstant(ps, 4, time.plus(window));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  /** Inserts the link; false when it existed. */
  private boolean insertLink(Connection c, long id, long alertId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_alerts (incident_id, alert_id, linked_at) "
        + "VALUES (?, ?, ?) ON CONFLICT (incident_id, alert_id) DO NOTHING")) {
      ps.setLong(1, id);
      ps.setLong(2, alertId);
      db.setInstant(ps, 3, now);
      return ps.executeUpdate() == 1;
    }
  }

  /** What follows a new link: the timeline entry, the last alert time, the severity. Returns true when raised. */
  private boolean afterLink(Connection c, long id, AlertFacts alert, String who, Instant now) throws SQLException {
    event(c, id, "alert_linked", detail("alert_id", alert.id(), "rule", alert.ruleId(), "severity",
        alert.severity().label()), who, now);
    try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET last_alert_at = ? WHERE id = ? "
        + "AND (last_alert_at IS NULL OR last_alert_at < ?)")) {
      db.setInstant(ps, 1, alert.time());
      ps.setLong(2, id);
      db.setInstant(ps, 3, alert.time());
      ps.executeUpdate();
    }
    return raise(c, find(c, id).orElseThrow(), alert.severity(), alert.id(), who, now);
  }

  private boolean raise(Connection c, StoredIncident before, Severity severity, Long alertId, String who, Instant now)
      throws SQLException {
    if (severity.compareTo(before.severity()) <= 0) {
      return false;
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET severity = ? WHERE id = ?")) {
      ps.setString(1, severity.label());
      ps.setLong(2, before.id());
      ps.executeUpdate();
    }
    String detail = alertId == null ? detail("from", before.severity().label(), "to", severity.label())
        : detail("from", before.severity().label(), "to", severity.label(), "alert_id", alertId);
    event(c, before.id(), "severity_raised", detail, who, now);
    return true;
  }

  /**
   * The incidents these alerts are linked to, lowest id first, without repeats (alerts not grouped yet are left
   * out). At most 10,000 alert ids.
   */
  public List<Long> incidentIdsOf(Collection<Long> alertIds) {
    if (alertIds.size() > 10_000) {
      throw new IllegalArgumentException("at most 10000 alert ids, was " + alertIds.size());
    }
    List<Long> ids = List.copyOf(alertIds);
    return db.read("read incidents of " + ids.size() + " alerts", c -> {
      java.util.TreeSet<Long> out = new java.util.TreeSet<>();
      for (int from = 0; from < ids.size(); from += 500) {
        List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
        String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT incident_id FROM incident_alerts WHERE alert_id IN ("
            + marks + ")")) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setLong(i + 1, chunk.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getLong(1));
            }
          }
        }
      }
      return List.copyOf(out);
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

  /**
   * The newest {@code limit} (1-1000) entries of the incident's timeline, oldest first (empty for an unknown
   * incident).
   */
  public List<IncidentEvent> timeline(long id, int limit) {
    Check.limit(limit);
    return db.read("read timeline of incident " + id, c -> {
      List<IncidentEvent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, incident_id, kind, detail, actor, created_at "
          + "FROM incident_events WHERE incident_id = ? ORDER BY id DESC LIMIT ?")) {
        ps.setLong(1, id);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new IncidentEvent(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                db.instant(rs, "created_at")));
          }
        }
      }
      java.util.Collections.reverse(out);
      return out;
    });
  }

  /**
   * Up to {@code limit} (1-1000) timeline entries of every incident with an id above {@code afterId}, in id order:
   * a reader that remembers the last id it saw (a forwarder's cursor) gets every change once.
   */
  public List<IncidentEvent> eventsAfter(long afterId, int limit) {
    Check.limit(limit);
    return db.read("read timeline entries after " + afterId, c -> {
      List<IncidentEvent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, incident_id, kind, detail, actor, created_at "
          + "FROM incident_events WHERE id > ? ORDER BY id LIMIT ?")) {
        ps.setLong(1, afterId);
        ps.setInt(2, limit);
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

  /** The highest timeline entry id of any incident (0 when there is none). */
  public long lastEventId() {
    return db.read("read the last timeline entry id", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM incident_events");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
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
    return new StoredIncident(rs.getLong("id"), rs.getString("title"), severity(rs.getString("severity")),
        IncidentStatus.parse(rs.getString("status")), rs.getString("entity_type"), rs.getString("entity_value"),
        rs.getString("assignee"), rs.getString("created_by"), db.instant(rs, "created_at"),
        db.instant(rs, "updated_at"));
  }

  private IncidentSummary summaryRow(ResultSet rs) throws SQLException {
    return new IncidentSummary(row(rs), db.instant(rs, "last_alert_at"), rs.getLong("alert_count"));
  }

  private static Severity severity(String label) {
    return Severity.valueOf(label.toUpperCase(Locale.ROOT));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
