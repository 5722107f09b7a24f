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
import java.util.regex.Pattern;

/**
 * User accounts. User names are unique regardless of case ("Alice" and "alice" are one user) and every
 * method finds a user whatever the case of the name it is given.
 */
public final class Users {
  private static final String COLUMNS = "id, username, password_hash, role, disabled, created_at, updated_at, "
      + "last_login_at";
  private static final int MAX_USERNAME = 100;
  /** Roles are short lower-case words; which ones exist is the server's business. */
  private static final Pattern ROLE = Pattern.compile("[a-z][a-z_]{0,49}");
  private static final int MAX_PASSWORD_HASH = 1000;

  private final Db db;
  private final Clock clock;

  Users(Db db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Creates a user and returns it.
   *
   * @throws StoreConflictException when a user of that name exists, in any case
   */
  public StoredUser create(String username, String passwordHash, String role) {
    username(username);
    hash(passwordHash);
    role(role);
    Instant now = now();
    return db.write("create user " + username, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (username, username_key, password_hash, role, "
          + "disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username_key) DO NOTHING")) {
        ps.setString(1, username);
        ps.setString(2, key(username));
        ps.setString(3, passwordHash);
        ps.setString(4, role);
        ps.setBoolean(5, false);
        db.setInstant(ps, 6, now);
        db.setInstant(ps, 7, now);
        if (ps.executeUpdate() == 0) {
          throw new StoreConflictException("user " + username + " already exists (user names ignore case)");
        }
      }
      return find(c, username).orElseThrow();
    });
  }

  /** The user with this name (in any case), if any. */
  public Optional<StoredUser> get(String username) {
    username(username);
    return db.read("read user " + username, c -> find(c, username));
  }

  /** Every user, by name. */
  public List<StoredUser> list() {
    return db.read("list users", c -> {
      List<StoredUser> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY username_key");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    });
  }

  /** Replaces the password hash and returns the user (StoreNotFoundException when there is no such user). */
  public StoredUser updatePasswordHash(String username, String passwordHash) {
    hash(passwordHash);
    return set(username, "password_hash", passwordHash, true);
  }

  /** Sets the role and returns the user (StoreNotFoundException when there is no such user). */
  public StoredUser setRole(String username, String role) {
    role(role);
    return set(username, "role", role, true);
  }

  /** Disables or enables the account and returns the user (StoreNotFoundException when there is no such user). */
  public StoredUser setDisabled(String username, boolean disabled) {
    return set(username, "disabled", disabled, true);
  }

  /** Notes a successful login now and returns the user (StoreNotFoundException when there is no such user). */
  public StoredUser recordLogin(String username) {
    return set(username, "last_login_at", null, false);
  }

  /** Deletes the user (StoreNotFoundException when there is no such user). */
  public void delete(String username) {
    username(username);
    db.write("delete user " + username, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE username_key = ?")) {
        ps.setString(1, key(username));
        if (ps.executeUpdate() == 0) {
          throw notFound(username);
        }
      }
      return null;
    });
  }

  /** Sets one column (last_login_at when {@code value} is null: to now) and, if {@code touch}, updated_at. */
  private StoredUser set(String username, String column, Object value, boolean touch) {
    username(username);
    Instant now = now();
    String sql = "UPDATE users SET " + column + " = ?" + (touch ? ", updated_at = ?" : "") + " WHERE username_key = ?";
    return db.write("change user " + username, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (value == null) {
          db.setInstant(ps, i++, now);
        } else if (value instanceof Boolean b) {
          ps.setBoolean(i++, b);
        } else {
          ps.setString(i++, (String) value);
        }
        if (touch) {
          db.setInstant(ps, i++, now);
        }
        ps.setString(i, key(username));
        if (ps.executeUpdate() == 0) {
          throw notFound(username);
        }
      }
      return find(c, username).orElseThrow();
    });
  }

  private static StoreNotFoundException notFound(String username) {
    return new StoreNotFoundException("user " + username + " does not exist");
  }

  /** The case-folded name the uniqueness is checked on (Java's rules, the same on both databases). */
  private static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  private static void username(String username) {
    Check.id(username, "user name");
    Check.optionalText(username, "user name", MAX_USERNAME);
    if (!username.equals(username.strip())) {
      throw new IllegalArgumentException("user name must not start or end with spaces");
    }
  }

  private static void role(String role) {
    if (role == null || !ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException("role must be a lower-case word such as admin, analyst or viewer, was \""
          + role + "\"");
    }
  }

  private static void hash(String passwordHash) {
    Check.text(passwordHash, "password hash", MAX_PASSWORD_HASH);
  }

  private Optional<StoredUser> find(Connection c, String username) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE username_key = ?")) {
      ps.setString(1, key(username));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private StoredUser row(ResultSet rs) throws SQLException {
    return new StoredUser(rs.getLong("id"), rs.getString("username"), rs.getString("password_hash"), rs.getString("role"),
        rs.getBoolean("disabled"), db.instant(rs, "created_at"), db.instant(rs, "updated_at"),
        db.instant(rs, "last_login_at"));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
