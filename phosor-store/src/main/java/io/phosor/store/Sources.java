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
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Sources added at run time (tailed files), and the file tailer's saved positions: named JSON documents
 * the store does not interpret.
 */
public final class Sources {
  private final Db db;
  private final Clock clock;

  Sources(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Records a tailed file; returns false (and changes nothing) when the path is already recorded. */
  public boolean addFile(String path, String who) {
    Check.text(path, "file path", Check.MAX_PATH);
    Check.id(who, "who");
    Instant now = now();
    return db.write("add file source " + path, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO file_sources (path, added_by, added_at) VALUES (?, ?, ?) "
          + "ON CONFLICT (path) DO NOTHING")) {
        ps.setString(1, path);
        ps.setString(2, who);
        db.setInstant(ps, 3, now);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Forgets a tailed file; returns false when it was not recorded. Its saved position is kept. */
  public boolean removeFile(String path) {
    Check.text(path, "file path", Check.MAX_PATH);
    return db.write("remove file source " + path, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_sources WHERE path = ?")) {
        ps.setString(1, path);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Every recorded file, in the order they were added. */
  public List<FileSource> files() {
    return db.read("list file sources", c -> {
      List<FileSource> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT path, added_by, added_at FROM file_sources "
          + "ORDER BY added_at, path"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new FileSource(rs.getString(1), rs.getString(2), db.instant(rs, "added_at")));
        }
      }
      return out;
    });
  }

  /** Saves (inserts or replaces) one position: {@code value} is a JSON document. */
  public void putPosition(String key, String value) {
    putPositions(Map.of(key, value));
  }

  /** Saves several positions in one transaction (each inserted or replaced); values are JSON documents. */
  public void putPositions(Map<String, String> positions) {
    Objects.requireNonNull(positions, "positions");
    if (positions.isEmpty()) {
      return;
    }
    Check.batch(positions.size(), "file positions");
    for (Map.Entry<String, String> e : positions.entrySet()) {
      Check.text(e.getKey(), "position key", Check.MAX_PATH);
      Check.text(e.getValue(), "position " + e.getKey(), Check.MAX_JSON);
      Check.json(e.getValue(), "position " + e.getKey(), Check.MAX_JSON);
    }
    Instant now = now();
    db.write("save " + positions.size() + " file positions", c -> {
      upsert(c, positions, now);
      return null;
    });
  }

  private void upsert(Connection c, Map<String, String> positions, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO file_positions (name, value, updated_at) VALUES (?, ?, ?) "
        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
      for (Map.Entry<String, String> e : new TreeMap<>(positions).entrySet()) {
        ps.setString(1, e.getKey());
        ps.setString(2, e.getValue());
        db.setInstant(ps, 3, now);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Every saved position, by key. */
  public Map<String, String> positions() {
    return db.read("read file positions", c -> {
      Map<String, String> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name, value FROM file_positions");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    });
  }

  /** Deletes a saved position; returns false when there was none. */
  public boolean removePosition(String key) {
    Check.text(key, "position key", Check.MAX_PATH);
    return db.write("remove file position " + key, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_positions WHERE name = ?")) {
        ps.setString(1, key);
        return ps.executeUpdate() == 1;
      }
    });
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
