package io.phosor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Response actions: what was asked, by which trigger, for which incident or alert, and how it ended. */
public final class Actions {
  private static final String COLUMNS = "id, action_type, parameters, incident_id, alert_id, triggered_by, status, "
      + "attempts, outcome, created_at, started_at, finished_at, dedup_key, next_attempt_at";

  private final Db db;
  private final Clock clock;

  Actions(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Records a new action and returns it. {@code status} is usually pending; an action created already
   * finished (dry run, refused) gets its finish time now.
   *
   * @param parameters a JSON document, or null
   * @param incidentId the incident it is for, or null
   * @param alertId the alert it is for, or null
   * @throws StoreNotFoundException when the incident or the alert does not exist
   */
  public StoredAction create(String type, String parameters, Long incidentId, Long alertId, String trigger,
      ActionStatus status) {
    Check.id(type, "action type");
    Check.json(parameters, "action parameters", Check.MAX_JSON);
    Check.id(trigger, "action trigger");
    Objects.requireNonNull(status, "status");
    Instant now = now();
    return db.write("create action " + type, c -> {
      if (incidentId != null && !Incidents.exists(c, "SELECT 1 FROM incidents WHERE id = ?", incidentId)) {
        throw Incidents.notFound(incidentId);
      }
      if (alertId != null && !Incidents.exists(c, "SELECT 1 FROM alerts WHERE id = ?", alertId)) {
        throw Alerts.notFound(alertId);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO actions (action_type, parameters, incident_id, alert_id, "
          + "triggered_by, status, attempts, created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
          + "RETURNING id")) {
        ps.setString(1, type);
        ps.setString(2, parameters);
        Db.setLong(ps, 3, incidentId);
        Db.setLong(ps, 4, alertId);
        ps.setString(5, trigger);
        ps.setString(6, status.label());
        db.setInstant(ps, 7, now);
        db.setInstant(ps, 8, status == ActionStatus.PENDING ? null : now);
        db.setInstant(ps, 9, status.finished() ? now : null);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return find(c, rs.getLong(1)).orElseThrow();
        }
      }
    });
  }

  /**
   * Records progress and returns the action: the start time is set when it first leaves pending, the
   * finish time when the status is a finished one (and cleared if it runs again).
   *
   * @param outcome what happened, for humans (null keeps the previous outcome)
   * @throws StoreNotFoundException when there is no such action
   */
  public StoredAction update(long id, ActionStatus status, int attempts, String outcome) {
    Objects.requireNonNull(status, "status");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
    }
    Check.optionalText(outcome, "action outcome", Check.MAX_TEXT);
    Instant now = now();
    return db.write("update action " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = ?, attempts = ?, "
          + "outcome = COALESCE(?, outcome), started_at = COALESCE(started_at, ?), finished_at = ? WHERE id = ?")) {
        ps.setString(1, status.label());
        ps.setInt(2, attempts);
        ps.setString(3, outcome);
        db.setInstant(ps, 4, status == ActionStatus.PENDING ? null : now);
        db.setInstant(ps, 5, status.finished() ? now : null);
        ps.setLong(6, id);
        if (ps.executeUpdate() == 0) {
          throw new StoreNotFoundException("action " + id + " does not exist");
        }
      }
      return find(c, id).orElseThrow();
    });
  }

  /**
   * An action to record with {@link #createAllOnce}.
   *
   * @param dedupKey unique key of what the action does (at most 1000 characters), or null for no deduplication
   * @param type the action's type
   * @param parameters a JSON document, or null
   * @param incidentId the incident it is for, or null
   * @param alertId the alert it is for, or null
   * @param trigger what started it
   * @param status pending, or a finished status for an action decided at once (dry run, refused)
   * @param outcome what happened so far, or null
   */
  public record NewAction(String dedupKey, String type, String parameters, Long incidentId, Long alertId,
      String trigger, ActionStatus status, String outcome) {}

  /**
   * Records a new action unless one with the same {@code dedupKey} exists: returns it, or empty when the key was
   * already used (nothing changes). This is how a playbook's action is taken once per incident and entity however
   * often the incident is updated, replayed or the server restarted. An action created finished (dry run,
   * refused) gets its finish time now; a running one its start time.
   *
   * @param dedupKey unique key of what the action does (at most 1000 characters), or null for no deduplication
   * @param outcome what happened so far, or null
   * @throws StoreNotFoundException when the incident or the alert does not exist
   */
  public Optional<StoredAction> createOnce(String dedupKey, String type, String parameters, Long incidentId,
      Long alertId, String trigger, ActionStatus status, String outcome) {
    List<StoredAction> created = createAllOnce(List.of(new NewAction(dedupKey, type, parameters, incidentId, alertId,
        trigger, status, outcome)));
    return created.isEmpty() ? Optional.empty() : Optional.of(created.get(0));
  }

  /**
   * Records the actions whose dedup key is new (or null), in order, in one transaction, and returns those created.
   * A key used twice in {@code actions} is recorded once.
   *
   * @throws StoreNotFoundException when an incident or an alert does not exist (nothing is recorded)
   */
  public List<StoredAction> createAllOnce(List<NewAction> actions) {
    Check.batch(actions.size(), "actions");
    for (NewAction a : actions) {
      if (a.dedupKey() != null) {
        Check.text(a.dedupKey(), "action dedup key", 1000);
      }
      Check.id(a.type(), "action type");
      Check.json(a.parameters(), "action parameters", Check.MAX_JSON);
      Check.id(a.trigger(), "action trigger");
      Objects.requireNonNull(a.status(), "status");
      Check.optionalText(a.outcome(), "action outcome", Check.MAX_TEXT);
    }
    if (actions.isEmpty()) {
      return List.of();
    }
    Instant now = now();
    return db.write("create " + actions.size() + " action(s)", c -> {
      List<StoredAction> out = new ArrayList<>();
      for (NewAction a : actions) {
        if (a.incidentId() != null && !Incidents.exists(c, "SELECT 1 FROM incidents WHERE id = ?", a.incidentId())) {
          throw Incidents.notFound(a.incidentId());
        }
        if (a.alertId() != null && !Incidents.exists(c, "SELECT 1 FROM alerts WHERE id = ?", a.alertId())) {
          throw Alerts.notFound(a.alertId());
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO actions (action_type, parameters, incident_id, "
            + "alert_id, triggered_by, status, attempts, outcome, created_at, started_at, finished_at, dedup_key) "
            + "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING RETURNING id")) {
          ps.setString(1, a.type());
          ps.setString(2, a.parameters());
          Db.setLong(ps, 3, a.incidentId());
          Db.setLong(ps, 4, a.alertId());
          ps.setString(5, a.trigger());
          ps.setString(6, a.status().label());
          ps.setString(7, a.outcome());
          db.setInstant(ps, 8, now);
          db.setInstant(ps, 9, a.status() == ActionStatus.PENDING ? null : now);
          db.setInstant(ps, 10, a.status().finished() ? now : null);
          ps.setString(11, a.dedupKey());
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              out.add(find(c, rs.getLong(1)).orElseThrow());
            }
          }
        }
      }
      return out;
    });
  }

  /** The action recorded under {@code dedupKey}, if any. */
  public Optional<StoredAction> byDedupKey(String dedupKey) {
    return db.read("read action by key", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM actions WHERE dedup_key = ?")) {
        ps.setString(1, dedupKey);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.<StoredAction>empty();
        }
      }
    });
  }

  /**
   * Takes up to {@code max} (1-1000) pending actions that are due (no next attempt time, or one not after now),
   * oldest first, marks them running with one more attempt, and returns them as they are now. Two callers never
   * get the same action (PostgreSQL: SKIP LOCKED; SQLite: one writer at a time).
   */
  public List<StoredAction> claimDue(int max) {
    Check.limit(max);
    Instant now = now();
    String pick = "SELECT id FROM actions WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
        + "ORDER BY id LIMIT ?" + (db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "");
    // a read first: idle polling never takes the (SQLite: single) write lock
    boolean any = db.read("look for due actions", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM actions WHERE status = 'pending' AND "
          + "(next_attempt_at IS NULL OR next_attempt_at <= ?) LIMIT 1")) {
        db.setInstant(ps, 1, now);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
    if (!any) {
      return List.of();
    }
    return db.write("claim due actions", c -> {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(pick)) {
        db.setInstant(ps, 1, now);
        ps.setInt(2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
      List<StoredAction> out = new ArrayList<>(ids.size());
      for (long id : ids) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = 'running', attempts = attempts + 1, "
            + "started_at = COALESCE(started_at, ?), finished_at = NULL, next_attempt_at = NULL WHERE id = ?")) {
          db.setInstant(ps, 1, now);
          ps.setLong(2, id);
          ps.executeUpdate();
        }
        out.add(find(c, id).orElseThrow());
      }
      return out;
    });
  }

  /**
   * Puts a running action back to pending, to be tried again at {@code nextAttemptAt}, and returns it.
   *
   * @param outcome why the last attempt failed (null keeps the previous outcome)
   * @throws StoreNotFoundException when there is no such action
   */
  public StoredAction retryAt(long id, Instant nextAttemptAt, String outcome) {
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    Check.optionalText(outcome, "action outcome", Check.MAX_TEXT);
    return db.write("reschedule action " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = 'pending', next_attempt_at = ?, "
          + "outcome = COALESCE(?, outcome), finished_at = NULL WHERE id = ?")) {
        db.setInstant(ps, 1, nextAttemptAt.truncatedTo(ChronoUnit.MILLIS));
        ps.setString(2, outcome);
        ps.setLong(3, id);
        if (ps.executeUpdate() == 0) {
          throw new StoreNotFoundException("action " + id + " does not exist");
        }
      }
      return find(c, id).orElseThrow();
    });
  }

  /** How many actions are pending (waiting for their first or next attempt). */
  public long countPending() {
    return db.read("count pending actions", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM actions WHERE status = 'pending'");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /**
   * Puts every running action back to pending, to be tried at once: at start-up, actions that were running when
   * the process stopped were interrupted. Returns how many.
   */
  public int resetRunning() {
    return db.write("reset running actions", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = 'pending', next_attempt_at = NULL "
          + "WHERE status = 'running'")) {
        return ps.executeUpdate();
      }
    });
  }

  /**
   * The newest {@code limit} (1-1000) actions matching the filters (each null: any), highest id first, only those
   * with an id below {@code beforeId} unless null.
   */
  public List<StoredAction> list(int limit, String type, ActionStatus status, Long incidentId, Long beforeId) {
    Check.limit(limit);
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM actions WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (type != null) {
      sql.append(" AND action_type = ?");
      args.add(type);
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status.label());
    }
    if (incidentId != null) {
      sql.append(" AND incident_id = ?");
      args.add(incidentId);
    }
    if (beforeId != null) {
      sql.append(" AND id < ?");
      args.add(beforeId);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return db.read("list actions", c -> {
      List<StoredAction> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
      }
      return out;
    });
  }

  /** The action with this id, if any. */
  public Optional<StoredAction> get(long id) {
    return db.read("read action " + id, c -> find(c, id));
  }

  /** The newest {@code limit} (1-1000) actions, highest id first. */
  public List<StoredAction> list(int limit) {
    Check.limit(limit);
    return query("list actions", "SELECT " + COLUMNS + " FROM actions ORDER BY id DESC LIMIT ?", limit);
  }

  /** The actions taken for an incident, oldest first. */
  public List<StoredAction> forIncident(long incidentId) {
    return query("list actions of incident " + incidentId,
        "SELECT " + COLUMNS + " FROM actions WHERE incident_id = ? ORDER BY id", incidentId);
  }

  private List<StoredAction> query(String what, String sql, long arg) {
    return db.read(what, c -> {
      List<StoredAction> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
      }
      return out;
    });
  }

  private Optional<StoredAction> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM actions WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private StoredAction row(ResultSet rs) throws SQLException {
    return new StoredAction(rs.getLong("id"), rs.getString("action_type"), rs.getString("parameters"),
        Db.nullableLong(rs, "incident_id"), Db.nullableLong(rs, "alert_id"), rs.getString("triggered_by"),
        ActionStatus.parse(rs.getString("status")), rs.getInt("attempts"), rs.getString("outcome"),
        db.instant(rs, "created_at"), db.instant(rs, "started_at"), db.instant(rs, "finished_at"),
        rs.getString("dedup_key"), db.instant(rs, "next_attempt_at"));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
