package io.phosor.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The detection engine's new-value baselines, one JSON document per rule id: {@link #put} takes what
 * {@code Engine.exportBaselines()} returns, {@link #load} what {@code Engine.importBaselines(Map)} takes.
 */
public final class Baselines {
  private static final TypeReference<Object> ANY = new TypeReference<>() {};

  private final Db db;
  private final Clock clock;

  Baselines(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Saves each rule's baseline (inserting or replacing it), in one transaction. Rules missing from
   * {@code baselines} keep what was stored (a disabled rule's baseline survives); see {@link #remove}.
   */
  public void put(Map<String, Object> baselines) {
    Objects.requireNonNull(baselines, "baselines");
    if (baselines.isEmpty()) {
      return;
    }
    Check.batch(baselines.size(), "baselines");
    Map<String, String> json = new TreeMap<>();
    for (Map.Entry<String, Object> e : baselines.entrySet()) {
      Check.id(e.getKey(), "baseline rule id");
      String doc = Check.toJson(e.getValue());
      Check.optionalText(doc, "baseline of rule " + e.getKey(), Check.MAX_BASELINE);
      json.put(e.getKey(), doc);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    db.write("save baselines of " + json.size() + " rules", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO baselines (rule_id, data, updated_at) VALUES (?, ?, ?) "
          + "ON CONFLICT (rule_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at")) {
        for (Map.Entry<String, String> e : json.entrySet()) {
          ps.setString(1, e.getKey());
          ps.setString(2, e.getValue());
          db.setInstant(ps, 3, now);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /** Every stored baseline, by rule id, as plain maps and lists (what the engine's import takes). */
  public Map<String, Object> load() {
    return db.read("read baselines", c -> {
      Map<String, Object> out = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT rule_id, data FROM baselines ORDER BY rule_id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), Check.fromJson(rs.getString(2), ANY));
        }
      }
      return out;
    });
  }

  /** Forgets a rule's baseline (when the rule is deleted); returns false when none was stored. */
  public boolean remove(String ruleId) {
    Check.id(ruleId, "baseline rule id");
    return db.write("remove baseline of rule " + ruleId, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM baselines WHERE rule_id = ?")) {
        ps.setString(1, ruleId);
        return ps.executeUpdate() == 1;
      }
    });
  }
}
