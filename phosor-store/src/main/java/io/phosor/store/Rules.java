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
import java.util.Locale;
import java.util.Optional;

/**
 * Rules users create through the API, stored as the text they submitted (the server validates it with
 * the engine's RuleParser first). Every change, deletion included, is kept in the rule's history.
 */
public final class Rules {
  private static final String COLUMNS = "id, body, format, enabled, version, created_at, updated_at, updated_by";

  private final Db db;
  private final Clock clock;

  Rules(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Stores a new rule at the version after its last history entry (1 for a new id) and returns it.
   *
   * @param format "json", "yaml" ("yml" is taken as "yaml") or "sigma" (Sigma YAML, issue 8)
   * @throws StoreConflictException when a rule with this id exists
   */
  public StoredRule create(String id, String text, String format, boolean enabled, String who) {
    Check.id(id, "rule id");
    Check.utf8(text, "rule " + id + " text", Check.MAX_RULE_TEXT);
    String f = format(format);
    Check.id(who, "who");
    Instant now = now();
    return db.write("create rule " + id, c -> {
      int version = lastVersion(c, id) + 1;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rules (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
          + "ON CONFLICT (id) DO NOTHING")) {
        ps.setString(1, id);
        ps.setString(2, text);
        ps.setString(3, f);
        ps.setBoolean(4, enabled);
        ps.setInt(5, version);
        db.setInstant(ps, 6, now);
        db.setInstant(ps, 7, now);
        ps.setString(8, who);
        if (ps.executeUpdate() == 0) {
          throw new StoreConflictException("rule " + id + " already exists; update it, or delete it first");
        }
      }
      StoredRule rule = new StoredRule(id, text, f, enabled, version, now, now, who);
      record(c, rule, RuleChange.Kind.CREATED, now);
      return rule;
    });
  }

  /**
   * Replaces the rule's text and format, adds one to its version, and returns it.
   *
   * @throws StoreNotFoundException when there is no such rule
   */
  public StoredRule update(String id, String text, String format, String who) {
    Check.id(id, "rule id");
    Check.utf8(text, "rule " + id + " text", Check.MAX_RULE_TEXT);
    String f = format(format);
    Check.id(who, "who");
    Instant now = now();
    return change(id, RuleChange.Kind.UPDATED, "UPDATE rules SET body = ?, format = ?, version = version + 1, "
        + "updated_at = ?, updated_by = ? WHERE id = ? RETURNING " + COLUMNS, now, ps -> {
          ps.setString(1, text);
          ps.setString(2, f);
          db.setInstant(ps, 3, now);
          ps.setString(4, who);
          ps.setString(5, id);
        });
  }

  /**
   * Enables a disabled rule or disables an enabled one, adds one to its version, and returns it.
   *
   * @throws StoreNotFoundException when there is no such rule
   */
  public StoredRule toggle(String id, String who) {
    Check.id(id, "rule id");
    Check.id(who, "who");
    Instant now = now();
    return change(id, RuleChange.Kind.TOGGLED, "UPDATE rules SET enabled = NOT enabled, version = version + 1, "
        + "updated_at = ?, updated_by = ? WHERE id = ? RETURNING " + COLUMNS, now, ps -> {
          db.setInstant(ps, 1, now);
          ps.setString(2, who);
          ps.setString(3, id);
        });
  }

  /**
   * Deletes the rule; its history stays, ending with a "deleted" entry.
   *
   * @throws StoreNotFoundException when there is no such rule
   */
  public void delete(String id, String who) {
    Check.id(id, "rule id");
    Check.id(who, "who");
    Instant now = now();
    db.write("delete rule " + id, c -> {
      StoredRule gone;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM rules WHERE id = ? RETURNING " + COLUMNS)) {
        ps.setString(1, id);
        gone = one(ps).orElseThrow(() -> notFound(id));
      }
      record(c, new StoredRule(id, gone.text(), gone.format(), gone.enabled(), gone.version() + 1, gone.createdAt(), now,
          who), RuleChange.Kind.DELETED, now);
      return null;
    });
  }

  /** The rule with this id, if it exists. */
  public Optional<StoredRule> get(String id) {
    Check.id(id, "rule id");
    return db.read("read rule " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rules WHERE id = ?")) {
        ps.setString(1, id);
        return one(ps);
      }
    });
  }

  /** Every rule, by id. */
  public List<StoredRule> list() {
    return db.read("list rules", c -> {
      List<StoredRule> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rules ORDER BY id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    });
  }

  /** Every change to the rule with this id, oldest first, also after it was deleted (empty if never created). */
  public List<RuleChange> history(String id) {
    Check.id(id, "rule id");
    return db.read("read history of rule " + id, c -> {
      List<RuleChange> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, version, change, body, format, enabled, changed_by, "
          + "changed_at FROM rule_history WHERE rule_id = ? ORDER BY version")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new RuleChange(rs.getString(1), rs.getInt(2),
                RuleChange.Kind.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)), rs.getString(4), rs.getString(5),
                rs.getBoolean(6), rs.getString(7), db.instant(rs, "changed_at")));
          }
        }
      }
      return out;
    });
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private StoredRule change(String id, RuleChange.Kind kind, String sql, Instant now, Binder binder) {
    return db.write("change rule " + id + " (" + kind.label() + ")", c -> {
      StoredRule rule;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        rule = one(ps).orElseThrow(() -> notFound(id));
      }
      record(c, rule, kind, now);
      return rule;
    });
  }

  private static StoreNotFoundException notFound(String id) {
    return new StoreNotFoundException("rule " + id + " does not exist");
  }

  private static String format(String format) {
    String f = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
    return switch (f) {
      case "json" -> "json";
      case "yaml", "yml" -> "yaml";
      case "sigma" -> "sigma";
      default -> throw new IllegalArgumentException("rule format must be \"json\", \"yaml\" or \"sigma\", was \""
          + format + "\"");
    };
  }

  private static int lastVersion(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT max(version) FROM rule_history WHERE rule_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private void record(Connection c, StoredRule r, RuleChange.Kind kind, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO rule_history (rule_id, version, change, body, format, "
        + "enabled, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.id());
      ps.setInt(2, r.version());
      ps.setString(3, kind.label());
      ps.setString(4, r.text());
      ps.setString(5, r.format());
      ps.setBoolean(6, r.enabled());
      ps.setString(7, r.updatedBy());
      db.setInstant(ps, 8, at);
      ps.executeUpdate();
    }
  }

  private Optional<StoredRule> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row(rs)) : Optional.empty();
    }
  }

  private StoredRule row(ResultSet rs) throws SQLException {
    return new StoredRule(rs.getString("id"), rs.getString("body"), rs.getString("format"), rs.getBoolean("enabled"),
        rs.getInt("version"), db.instant(rs, "created_at"), db.instant(rs, "updated_at"), rs.getString("updated_by"));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
