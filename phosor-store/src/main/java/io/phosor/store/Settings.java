package io.phosor.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Settings changed at run time (through the API), as named text values the server interprets. */
public final class Settings {
  private final Db db;
  private final Clock clock;

  Settings(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The value of setting {@code key}, if set. */
  public Optional<String> get(String key) {
    Check.id(key, "setting name");
    return db.read("read setting " + key, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /** Sets (inserts or replaces) setting {@code key}. */
  public void put(String key, String value) {
    Check.id(key, "setting name");
    if (value == null) {
      throw new IllegalArgumentException("setting " + key + ": value must not be null (use remove)");
    }
    Check.optionalText(value, "setting " + key, Check.MAX_JSON);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    db.write("save setting " + key, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) "
          + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
        ps.setString(1, key);
        ps.setString(2, value);
        db.setInstant(ps, 3, now);
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Sets (inserts or replaces) every setting in {@code values} in one transaction: all of them are saved,
   * or, when one fails, none (re-encrypting every stored secret under a new key relies on this).
   */
  public void putAll(Map<String, String> values) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      Check.id(e.getKey(), "setting name");
      if (e.getValue() == null) {
        throw new IllegalArgumentException("setting " + e.getKey() + ": value must not be null (use remove)");
      }
      Check.optionalText(e.getValue(), "setting " + e.getKey(), Check.MAX_JSON);
    }
    if (values.isEmpty()) {
      return;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    db.write("save " + values.size() + " settings", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) "
          + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
        for (Map.Entry<String, String> e : values.entrySet()) {
          ps.setString(1, e.getKey());
          ps.setString(2, e.getValue());
          db.setInstant(ps, 3, now);
          ps.executeUpdate();
        }
        return values.size();
      }
    });
  }

  /** Removes setting {@code key}; returns false when it was not set. */
  public boolean remove(String key) {
    Check.id(key, "setting name");
    return db.write("remove setting " + key, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM settings WHERE name = ?")) {
        ps.setString(1, key);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Every setting, by name. */
  public Map<String, String> all() {
    return db.read("read settings", c -> {
      Map<String, String> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name, value FROM settings"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    });
  }
}
