package io.phosor.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Named ingest tokens, kept as SHA-256 hashes: the caller generates a token, shows it once, and stores
 * {@link #hash(String) its hash}; a request's token is looked up by hash.
 */
public final class IngestTokens {
  /** Last-use times are kept to the minute so a busy token does not cost a write per request. */
  static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final String COLUMNS = "name, created_by, created_at, last_used_at, revoked, revoked_at";

  private final Db db;
  private final Clock clock;

  IngestTokens(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The lower-case hex SHA-256 of {@code token}'s UTF-8 bytes: what {@link #create} and {@link #findByHash} take. */
  public static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Stores a token by its hash and returns its description.
   *
   * @param tokenHash {@link #hash(String)} of the token (a token passed by mistake is refused)
   * @throws StoreConflictException when the name, or the same token, is already stored
   */
  public IngestToken create(String name, String tokenHash, String who) {
    Check.id(name, "token name");
    requireHash(tokenHash);
    Check.id(who, "who");
    Instant now = now();
    return db.write("create ingest token " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO ingest_tokens (name, token_hash, created_by, created_at, "
          + "revoked) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, name);
        ps.setString(2, tokenHash);
        ps.setString(3, who);
        db.setInstant(ps, 4, now);
        ps.setBoolean(5, false);
        if (ps.executeUpdate() == 0) {
          throw new StoreConflictException("an ingest token named " + name + " (or with the same token) already exists; "
              + "choose another name, or revoke the old token");
        }
      }
      return new IngestToken(name, who, now, null, false, null);
    });
  }

  /** The active (not revoked) token with this hash, if any. */
  public Optional<IngestToken> findByHash(String tokenHash) {
    requireHash(tokenHash);
    return db.read("look up ingest token", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM ingest_tokens WHERE token_hash = ? "
          + "AND revoked = ?")) {
        ps.setString(1, tokenHash);
        ps.setBoolean(2, false);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  /**
   * Notes that the token with this hash was just used. Writes only when the stored time is older than
   * {@link #LAST_USED_GRANULARITY}, so it is cheap to call on every request.
   */
  public void markUsed(String tokenHash) {
    requireHash(tokenHash);
    Instant now = now();
    Instant staleBefore = now.minus(LAST_USED_GRANULARITY);
    // Read first: most calls find a recent time and need no write (no write lock on SQLite).
    boolean stale = db.read("look up ingest token", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT last_used_at FROM ingest_tokens WHERE token_hash = ?")) {
        ps.setString(1, tokenHash);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          Instant last = db.instant(rs, "last_used_at");
          return last == null || !last.isAfter(staleBefore);
        }
      }
    });
    if (!stale) {
      return;
    }
    db.write("mark ingest token used", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE ingest_tokens SET last_used_at = ? WHERE token_hash = ? "
          + "AND (last_used_at IS NULL OR last_used_at <= ?)")) {
        db.setInstant(ps, 1, now);
        ps.setString(2, tokenHash);
        db.setInstant(ps, 3, staleBefore);
        return ps.executeUpdate();
      }
    });
  }

  /** Every token, revoked ones included, by name. */
  public List<IngestToken> list() {
    return db.read("list ingest tokens", c -> {
      List<IngestToken> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM ingest_tokens ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    });
  }

  /**
   * Revokes the named token and returns it; revoking a revoked token changes nothing.
   *
   * @throws StoreNotFoundException when there is no token with this name
   */
  public IngestToken revoke(String name) {
    Check.id(name, "token name");
    Instant now = now();
    return db.write("revoke ingest token " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE ingest_tokens SET revoked = ?, revoked_at = ? "
          + "WHERE name = ? AND revoked = ?")) {
        ps.setBoolean(1, true);
        db.setInstant(ps, 2, now);
        ps.setString(3, name);
        ps.setBoolean(4, false);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM ingest_tokens WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StoreNotFoundException("ingest token " + name + " does not exist");
          }
          return row(rs);
        }
      }
    });
  }

  private static void requireHash(String tokenHash) {
    if (tokenHash == null || !SHA256_HEX.matcher(tokenHash).matches()) {
      throw new IllegalArgumentException("an ingest token is stored and looked up by its SHA-256 "
          + "(64 lower-case hex digits, IngestTokens.hash(token)), never by the token itself");
    }
  }

  private IngestToken row(ResultSet rs) throws SQLException {
    return new IngestToken(rs.getString("name"), rs.getString("created_by"), db.instant(rs, "created_at"),
        db.instant(rs, "last_used_at"), rs.getBoolean("revoked"), db.instant(rs, "revoked_at"));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
