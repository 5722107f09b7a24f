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

/**
 * Blocked addresses (block_ip and the firewall feed). At most one entry per address is active; blocking an active
 * address again extends it. Addresses are stored as given: the caller normalises them (io.phosor.respond).
 */
public final class Blocklist {
  private static final String COLUMNS = "id, address, reason, incident_id, added_by, created_at, expires_at, "
      + "removed_at, removed_by";
  /** Longest address text: an IPv6 address is at most 45 characters. */
  private static final int MAX_ADDRESS = 64;

  /**
   * What {@link #block} did.
   *
   * @param entry the active entry now
   * @param added true when the address was not blocked before (false: an active block was extended or kept)
   */
  public record Blocked(BlockEntry entry, boolean added) {}

  private final Db db;
  private final Clock clock;

  Blocklist(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Blocks {@code address} until {@code expiresAt} (null: until removed). An address blocked already keeps its
   * entry, with the later of the two expiries (a block without expiry stays without); its reason and incident are
   * kept too.
   *
   * @throws StoreNotFoundException when the incident does not exist
   */
  public Blocked block(String address, Instant expiresAt, String reason, Long incidentId, String who) {
    Check.text(address, "address", MAX_ADDRESS);
    Check.optionalText(reason, "block reason", Check.MAX_TEXT);
    Check.id(who, "who");
    Instant now = now();
    Instant until = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS);
    return db.write("block " + address, c -> {
      if (incidentId != null && !Incidents.exists(c, "SELECT 1 FROM incidents WHERE id = ?", incidentId)) {
        throw Incidents.notFound(incidentId);
      }
      expireOne(c, address, now);
      Optional<BlockEntry> before = findActive(c, address);
      if (before.isPresent()) {
        BlockEntry b = before.get();
        if (b.expiresAt() != null && (until == null || until.isAfter(b.expiresAt()))) {
          try (PreparedStatement ps = c.prepareStatement("UPDATE blocklist SET expires_at = ? WHERE id = ?")) {
            db.setInstant(ps, 1, until);
            ps.setLong(2, b.id());
            ps.executeUpdate();
          }
        }
        return new Blocked(findActive(c, address).orElseThrow(), false);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO blocklist (address, reason, incident_id, added_by, "
          + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, address);
        ps.setString(2, reason);
        Db.setLong(ps, 3, incidentId);
        ps.setString(4, who);
        db.setInstant(ps, 5, now);
        db.setInstant(ps, 6, until);
        ps.executeUpdate();
      }
      return new Blocked(findActive(c, address).orElseThrow(), true);
    });
  }

  /** An entry that expired but was not swept yet no longer counts as active for a new block. */
  private void expireOne(Connection c, String address, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE blocklist SET removed_at = expires_at, removed_by = 'expiry' "
        + "WHERE address = ? AND removed_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?")) {
      ps.setString(1, address);
      db.setInstant(ps, 2, now);
      ps.executeUpdate();
    }
  }

  /** The active entry of {@code address} (not removed, not expired), if any. */
  public Optional<BlockEntry> active(String address) {
    Instant now = now();
    return db.read("read block of " + address, c -> findActive(c, address).filter(b -> b.activeAt(now)));
  }

  /** Every address blocked now (not removed, not expired), in address order: the firewall feed. */
  public List<String> activeAddresses() {
    Instant now = now();
    return db.read("list blocked addresses", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT address FROM blocklist WHERE removed_at IS NULL AND "
          + "(expires_at IS NULL OR expires_at > ?) ORDER BY address")) {
        db.setInstant(ps, 1, now);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
  }

  /**
   * The newest {@code limit} (1-1000) entries, highest id first: only the active ones (not removed, not expired)
   * unless {@code all}.
   */
  public List<BlockEntry> list(int limit, boolean all) {
    Check.limit(limit);
    Instant now = now();
    String sql = "SELECT " + COLUMNS + " FROM blocklist" + (all ? "" : " WHERE removed_at IS NULL AND "
        + "(expires_at IS NULL OR expires_at > ?)") + " ORDER BY id DESC LIMIT ?";
    return db.read("list the blocklist", c -> {
      List<BlockEntry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (!all) {
          db.setInstant(ps, i++, now);
        }
        ps.setInt(i, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
      }
      return out;
    });
  }

  /** Removes the active block of {@code address} and returns it as removed, or empty when it is not blocked. */
  public Optional<BlockEntry> remove(String address, String who) {
    Check.id(who, "who");
    Instant now = now();
    return db.write("unblock " + address, c -> {
      Optional<BlockEntry> b = findActive(c, address).filter(x -> x.activeAt(now));
      if (b.isEmpty()) {
        return Optional.<BlockEntry>empty();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE blocklist SET removed_at = ?, removed_by = ? WHERE id = ?")) {
        db.setInstant(ps, 1, now);
        ps.setString(2, who);
        ps.setLong(3, b.get().id());
        ps.executeUpdate();
      }
      return find(c, b.get().id());
    });
  }

  /**
   * Marks up to {@code max} (1-1000) blocks whose expiry has passed as removed by "expiry" and returns them, oldest
   * expiry first.
   */
  public List<BlockEntry> expire(int max) {
    Check.limit(max);
    Instant now = now();
    return db.write("expire blocks", c -> {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM blocklist WHERE removed_at IS NULL AND "
          + "expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ?")) {
        db.setInstant(ps, 1, now);
        ps.setInt(2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
      List<BlockEntry> out = new ArrayList<>();
      for (long id : ids) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE blocklist SET removed_at = ?, removed_by = 'expiry' "
            + "WHERE id = ?")) {
          db.setInstant(ps, 1, now);
          ps.setLong(2, id);
          ps.executeUpdate();
        }
        out.add(find(c, id).orElseThrow());
      }
      return out;
    });
  }

  private Optional<BlockEntry> findActive(Connection c, String address) throws SQLException {
    Objects.requireNonNull(address, "address");
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM blocklist WHERE address = ? "
        + "AND removed_at IS NULL")) {
      ps.setString(1, address);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private Optional<BlockEntry> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM blocklist WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private BlockEntry row(ResultSet rs) throws SQLException {
    return new BlockEntry(rs.getLong("id"), rs.getString("address"), rs.getString("reason"),
        Db.nullableLong(rs, "incident_id"), rs.getString("added_by"), db.instant(rs, "created_at"),
        db.instant(rs, "expires_at"), db.instant(rs, "removed_at"), rs.getString("removed_by"));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
