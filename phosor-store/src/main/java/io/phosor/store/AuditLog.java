package io.phosor.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The audit trail of state-changing requests and security events; entries are only ever appended. */
public final class AuditLog {
  /** Room for an IPv6 address with a zone id. */
  private static final int MAX_ADDRESS = 100;

  private final Db db;
  private final Clock clock;

  AuditLog(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Appends an entry stamped now and returns it.
   *
   * @param target what it was done to, or null
   * @param detail a JSON document, or null
   * @param address the client's address, or null
   */
  public AuditEntry append(String actor, String action, String target, String detail, String address) {
    Check.id(actor, "audit actor");
    Check.id(action, "audit action");
    Check.optionalText(target, "audit target", Check.MAX_TEXT);
    Check.json(detail, "audit detail", Check.MAX_JSON);
    Check.optionalText(address, "audit address", MAX_ADDRESS);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return db.write("append to the audit log", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (created_at, actor, action, target, detail, "
          + "address) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
        db.setInstant(ps, 1, now);
        ps.setString(2, actor);
        ps.setString(3, action);
        ps.setString(4, target);
        ps.setString(5, detail);
        ps.setString(6, address);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new AuditEntry(rs.getLong(1), now, actor, action, target, detail, address);
        }
      }
    });
  }

  /** The newest {@code limit} (1-1000) entries with an id below {@code beforeId} (null: the newest), newest first. */
  public List<AuditEntry> list(int limit, Long beforeId) {
    Check.limit(limit);
    String sql = "SELECT id, created_at, actor, action, target, detail, address FROM audit_log"
        + (beforeId == null ? "" : " WHERE id < ?") + " ORDER BY id DESC LIMIT ?";
    return db.read("read the audit log", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (beforeId != null) {
          ps.setLong(i++, beforeId);
        }
        ps.setInt(i, limit);
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEntry(rs.getLong(1), db.instant(rs, "created_at"), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7)));
          }
        }
        return out;
      }
    });
  }
}
