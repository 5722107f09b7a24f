package io.phosor.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.phosor.detect.Alert;
import io.phosor.event.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The alerts the engine raised. Inserting is idempotent by {@link #fingerprint(Alert)}, so replaying
 * the journal after a crash never stores an alert twice. Status only moves forward: open, acknowledged,
 * resolved.
 */
public final class Alerts {
  private static final String COLUMNS = "id, fingerprint, rule_id, rule_name, severity, tags, group_key, first_seen, "
      + "last_seen, event_count, event_ids, summary, status, created_at, acknowledged_by, acknowledged_at, "
      + "resolved_by, resolved_at, enrichment";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Long>> LONGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> KEY = new TypeReference<>() {};

  private final Db db;
  private final Clock clock;

  Alerts(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * A stable identity for an alert: the hex SHA-256 of its rule id, group key (sorted by field), first
   * and last seen times and event ids, so the same detection replayed gives the same fingerprint.
   */
  public static String fingerprint(Alert alert) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    // Each part is length-prefixed, so no choice of values can make two different alerts hash alike.
    StringBuilder b = new StringBuilder(256);
    part(b, alert.ruleId());
    for (Map.Entry<String, String> e : new TreeMap<>(alert.groupKey()).entrySet()) {
      part(b, e.getKey());
      part(b, e.getValue());
    }
    part(b, String.valueOf(alert.firstSeen()));
    part(b, String.valueOf(alert.lastSeen()));
    for (Long id : alert.eventIds()) {
      part(b, String.valueOf(id));
    }
    return HexFormat.of().formatHex(sha.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static void part(StringBuilder b, String s) {
    b.append(s.length()).append(':').append(s).append(';');
  }

  /**
   * Stores the alerts in one transaction and returns those that were new, in the given order. An alert
   * whose fingerprint is already stored (or repeated in the list) is skipped.
   */
  public List<StoredAlert> insertAll(List<Alert> alerts) {
    Objects.requireNonNull(alerts, "alerts");
    if (alerts.isEmpty()) {
      return List.of();
    }
    Check.batch(alerts.size(), "alerts");
    for (Alert a : alerts) {
      validate(a);
    }
    Instant now = now();
    return db.write("insert " + alerts.size() + " alerts", c -> {
      List<StoredAlert> inserted = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (fingerprint, rule_id, rule_name, severity, "
          + "tags, group_key, first_seen, last_seen, event_count, event_ids, summary, status, created_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) ON CONFLICT (fingerprint) DO NOTHING RETURNING id")) {
        for (Alert a : alerts) {
          String fingerprint = fingerprint(a);
          ps.setString(1, fingerprint);
          ps.setString(2, a.ruleId());
          ps.setString(3, a.ruleName());
          ps.setString(4, a.severity().label());
          ps.setString(5, Check.toJson(a.tags()));
          ps.setString(6, Check.toJson(new TreeMap<>(a.groupKey())));
          db.setInstant(ps, 7, a.firstSeen());
          db.setInstant(ps, 8, a.lastSeen());
          ps.setLong(9, a.count());
          ps.setString(10, Check.toJson(a.eventIds()));
          ps.setString(11, a.summary());
          db.setInstant(ps, 12, now);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              inserted.add(new StoredAlert(rs.getLong(1), fingerprint, millis(a), AlertStatus.OPEN, now, null, null,
                  null, null, null));
            }
          }
        }
      }
      return inserted;
    });
  }

  private static void validate(Alert a) {
    Objects.requireNonNull(a, "alert");
    Check.id(a.ruleId(), "alert rule id");
    Check.optionalText(a.ruleName(), "alert rule name", Check.MAX_TEXT);
    Check.optionalText(a.summary(), "alert summary", Check.MAX_TEXT);
    if (a.severity() == null || a.firstSeen() == null || a.lastSeen() == null) {
      throw new IllegalArgumentException("alert of rule " + a.ruleId() + " lacks a severity, firstSeen or lastSeen");
    }
  }

  /** The alert as it reads back: instants at millisecond precision. */
  private static Alert millis(Alert a) {
    return new Alert(a.ruleId(), a.ruleName(), a.severity(), a.tags(), a.groupKey(),
        a.firstSeen().truncatedTo(ChronoUnit.MILLIS), a.lastSeen().truncatedTo(ChronoUnit.MILLIS), a.count(),
        a.eventIds(), a.summary());
  }

  /** The alerts matching {@code query}, newest (highest id) first. */
  public List<StoredAlert> list(AlertQuery query) {
    Objects.requireNonNull(query, "query");
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alerts WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (!query.severities().isEmpty()) {
      sql.append(" AND severity IN (");
      String sep = "";
      for (Severity s : query.severities()) {
        sql.append(sep).append('?');
        args.add(s.label());
        sep = ", ";
      }
      sql.append(')');
    }
    if (query.status() != null) {
      sql.append(" AND status = ?");
      args.add(query.status().label());
    }
    if (query.ruleId() != null) {
      sql.append(" AND rule_id = ?");
      args.add(query.ruleId());
    }
    if (query.from() != null) {
      sql.append(" AND last_seen >= ?");
      args.add(query.from());
    }
    if (query.to() != null) {
      sql.append(" AND last_seen < ?");
      args.add(query.to());
    }
    if (query.beforeId() != null) {
      sql.append(" AND id < ?");
      args.add(query.beforeId());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(query.limit());
    return db.read("list alerts", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          Object a = args.get(i);
          if (a instanceof Instant t) {
            db.setInstant(ps, i + 1, t);
          } else {
            ps.setObject(i + 1, a);
          }
        }
        List<StoredAlert> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
        return out;
      }
    });
  }

  /** The alert with id {@code id}, if stored. */
  public Optional<StoredAlert> get(long id) {
    return db.read("read alert " + id, c -> find(c, id));
  }

  /**
   * Up to {@code limit} (1-1000) alerts with an id above {@code afterId}, lowest id first: a reader that
   * remembers the highest id it has seen resumes exactly where it stopped (ids only grow).
   */
  public List<StoredAlert> after(long afterId, int limit) {
    Check.limit(limit);
    return db.read("read alerts after " + afterId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id > ? ORDER BY id "
          + "LIMIT ?")) {
        ps.setLong(1, afterId);
        ps.setInt(2, limit);
        return rows(ps);
      }
    });
  }

  /** The newest {@code limit} (1-1000) alerts linked to the incident, highest id first. */
  public List<StoredAlert> ofIncident(long incidentId, int limit) {
    Check.limit(limit);
    return db.read("read alerts of incident " + incidentId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id IN (SELECT alert_id "
          + "FROM incident_alerts WHERE incident_id = ?) ORDER BY id DESC LIMIT ?")) {
        ps.setLong(1, incidentId);
        ps.setInt(2, limit);
        return rows(ps);
      }
    });
  }

  private List<StoredAlert> rows(PreparedStatement ps) throws SQLException {
    List<StoredAlert> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row(rs));
      }
    }
    return out;
  }

  /**
   * Marks the alert acknowledged by {@code who} now and returns it. Acknowledging an acknowledged alert
   * changes nothing (the first acknowledgement stands).
   *
   * @throws StoreNotFoundException when there is no such alert
   * @throws StoreConflictException when the alert is resolved
   */
  public StoredAlert acknowledge(long id, String who) {
    Check.id(who, "who");
    Instant now = now();
    return db.write("acknowledge alert " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET status = 'acknowledged', acknowledged_by = ?, "
          + "acknowledged_at = ? WHERE id = ? AND status = 'open'")) {
        ps.setString(1, who);
        db.setInstant(ps, 2, now);
        ps.setLong(3, id);
        ps.executeUpdate();
      }
      StoredAlert a = find(c, id).orElseThrow(() -> notFound(id));
      if (a.status() == AlertStatus.RESOLVED) {
        throw new StoreConflictException("alert " + id + " is resolved (by " + a.resolvedBy() + " at "
            + a.resolvedAt() + "); a resolved alert cannot be acknowledged");
      }
      return a;
    });
  }

  /**
   * Marks the alert resolved by {@code who} now (from open or acknowledged) and returns it.
   *
   * @throws StoreNotFoundException when there is no such alert
   * @throws StoreConflictException when it is already resolved
   */
  public StoredAlert resolve(long id, String who) {
    Check.id(who, "who");
    Instant now = now();
    return db.write("resolve alert " + id, c -> {
      int changed;
      try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET status = 'resolved', resolved_by = ?, "
          + "resolved_at = ? WHERE id = ? AND status <> 'resolved'")) {
        ps.setString(1, who);
        db.setInstant(ps, 2, now);
        ps.setLong(3, id);
        changed = ps.executeUpdate();
      }
      StoredAlert a = find(c, id).orElseThrow(() -> notFound(id));
      if (changed == 0) {
        throw new StoreConflictException("alert " + id + " is already resolved (by " + a.resolvedBy() + " at "
            + a.resolvedAt() + ")");
      }
      return a;
    });
  }

  /**
   * Sets the alert's enrichment (reputation and threat-intelligence findings, a JSON object of at most 1 MiB),
   * replacing any earlier one, and returns the alert.
   *
   * @throws StoreNotFoundException when there is no such alert
   * @throws IllegalArgumentException when {@code json} is not a JSON object or too large
   */
  public StoredAlert enrich(long id, String json) {
    Objects.requireNonNull(json, "json");
    Check.json(json, "alert enrichment", Check.MAX_JSON);
    if (!json.stripLeading().startsWith("{")) {
      throw new IllegalArgumentException("alert enrichment must be a JSON object");
    }
    return db.write("enrich alert " + id, c -> {
      int changed;
      try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET enrichment = ? WHERE id = ?")) {
        ps.setString(1, json);
        ps.setLong(2, id);
        changed = ps.executeUpdate();
      }
      if (changed == 0) {
        throw notFound(id);
      }
      return find(c, id).orElseThrow(() -> notFound(id));
    });
  }

  /**
   * Sets the enrichment of several alerts (as {@link #enrich}, each a JSON object of at most 1 MiB) in one
   * transaction: one commit instead of one per alert. Returns the alerts as stored, in the order given; an id with no
   * alert (deleted meanwhile) is left out.
   *
   * @throws IllegalArgumentException when a value is not a JSON object or too large (nothing is stored then)
   */
  public List<StoredAlert> enrichAll(Map<Long, String> jsonById) {
    Objects.requireNonNull(jsonById, "jsonById");
    Check.batch(jsonById.size(), "alert enrichments");
    for (Map.Entry<Long, String> e : jsonById.entrySet()) {
      Objects.requireNonNull(e.getValue(), "json");
      Check.json(e.getValue(), "alert enrichment", Check.MAX_JSON);
      if (!e.getValue().stripLeading().startsWith("{")) {
        throw new IllegalArgumentException("alert enrichment must be a JSON object");
      }
    }
    if (jsonById.isEmpty()) {
      return List.of();
    }
    return db.write("enrich " + jsonById.size() + " alerts", c -> {
      List<StoredAlert> out = new ArrayList<>(jsonById.size());
      try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET enrichment = ? WHERE id = ?")) {
        for (Map.Entry<Long, String> e : jsonById.entrySet()) {
          ps.setString(1, e.getValue());
          ps.setLong(2, e.getKey());
          if (ps.executeUpdate() > 0) {
            find(c, e.getKey()).ifPresent(out::add);
          }
        }
      }
      return out;
    });
  }

  /** How many alerts are stored. */
  public long count() {
    return db.read("count alerts", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM alerts"); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /** How many alerts are in each status (every status present, 0 when none). */
  public Map<AlertStatus, Long> countByStatus() {
    return db.read("count alerts by status", c -> {
      Map<AlertStatus, Long> counts = new EnumMap<>(AlertStatus.class);
      for (AlertStatus s : AlertStatus.values()) {
        counts.put(s, 0L);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM alerts GROUP BY status");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(AlertStatus.parse(rs.getString(1)), rs.getLong(2));
        }
      }
      return counts;
    });
  }

  Optional<StoredAlert> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  static StoreNotFoundException notFound(long id) {
    return new StoreNotFoundException("alert " + id + " does not exist");
  }

  private StoredAlert row(ResultSet rs) throws SQLException {
    Alert alert = new Alert(rs.getString("rule_id"), rs.getString("rule_name"),
        Severity.valueOf(rs.getString("severity").toUpperCase(Locale.ROOT)),
        Check.fromJson(rs.getString("tags"), STRINGS), Check.fromJson(rs.getString("group_key"), KEY),
        db.instant(rs, "first_seen"), db.instant(rs, "last_seen"), rs.getLong("event_count"),
        Check.fromJson(rs.getString("event_ids"), LONGS), rs.getString("summary"));
    return new StoredAlert(rs.getLong("id"), rs.getString("fingerprint"), alert, AlertStatus.parse(rs.getString("status")),
        db.instant(rs, "created_at"), rs.getString("acknowledged_by"), db.instant(rs, "acknowledged_at"),
        rs.getString("resolved_by"), db.instant(rs, "resolved_at"), rs.getString("enrichment"));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
