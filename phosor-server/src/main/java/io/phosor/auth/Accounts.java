package io.phosor.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.phosor.audit.Audit;
import io.phosor.store.StoreConflictException;
import io.phosor.store.StoreNotFoundException;
import io.phosor.store.StoredUser;
import io.phosor.store.Users;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User accounts: log in (password check, throttling, token), manage users, and turn a valid token back into a
 * caller. Every login, every failed login and every change to an account goes through {@link Audit}.
 *
 * <p>A token stops working when its account is deleted or disabled, and when the account changed after the
 * token was issued (password, role, disabled flag): tokens carry the account's {@link #version}, so changing a
 * password ends every session of the account. Accounts are looked up through a cache of at most
 * {@link #USER_CACHE_TTL}, so
 * such a change made elsewhere (the {@code phosor user} command, another node) takes effect within that;
 * changes made through this object take effect at once.
 */
public final class Accounts {
  private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
  /** How stale a cached account may be when a token is checked. */
  public static final Duration USER_CACHE_TTL = Duration.ofSeconds(5);
  /** The account created on first start. */
  public static final String FIRST_ADMIN = "admin";
  /** Letters, digits and {@code . _ @ -}, starting with a letter or digit: safe in URLs, logs and the audit trail. */
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  /** Names that would be confused with the machine actors in rule history and the audit log. */
  private static final Set<String> RESERVED = Set.of(Principal.API_TOKEN_NAME, "anonymous", "system", "api-token");
  /** Generated passwords: no 0/O, 1/l/I, so they survive being read off a screen. */
  private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  /** 24 characters of a 56-letter alphabet: about 139 bits. */
  private static final int GENERATED_PASSWORD_CHARS = 24;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Users users;
  private final PasswordHasher hasher;
  private final AccessTokens tokens;
  private final LoginThrottle throttle;
  private final Audit audit;
  private final LoadingCache<String, Optional<StoredUser>> cache;

  /**
   * Accounts in {@code users}, issuing {@code tokens} (null for a process that manages accounts but does not log
   * anyone in: the {@code phosor user} command); {@code clock} drives throttling and the cache.
   */
  public Accounts(Users users, PasswordHasher hasher, AccessTokens tokens, Audit audit, Clock clock) {
    this(users, hasher, tokens, new LoginThrottle(clock), audit, clock);
  }

  Accounts(Users users, PasswordHasher hasher, AccessTokens tokens, LoginThrottle throttle, Audit audit, Clock clock) {
    this.users = Objects.requireNonNull(users, "users");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.tokens = tokens;
    this.throttle = throttle;
    this.audit = Objects.requireNonNull(audit, "audit");
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    this.cache = Caffeine.newBuilder().maximumSize(10_000).ticker(ticker).expireAfterWrite(USER_CACHE_TTL)
        .build(users::get);
  }

  /** Why a login was refused. */
  public enum Refusal {
    /** Unknown user or wrong password (the answer does not say which). */
    BAD_CREDENTIALS,
    /** The password was right but the account is disabled. */
    DISABLED,
    /** Too many failures for this account or address; try again after {@code retryAfterSeconds}. */
    THROTTLED
  }

  /** A refused login. */
  public static final class LoginRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Refusal refusal;
    private final long retryAfterSeconds;

    LoginRefusedException(Refusal refusal, long retryAfterSeconds, String message) {
      super(message);
      this.refusal = refusal;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Why. */
    public Refusal refusal() {
      return refusal;
    }

    /** For {@link Refusal#THROTTLED}: seconds until the next attempt is considered; else 0. */
    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  // ---- logging in

  /**
   * Checks {@code password} and issues a token. An unknown user costs the same password check as a wrong
   * password. Failures are counted per account and per {@code address} (see {@link LoginThrottle}).
   *
   * @throws LoginRefusedException when the credentials are wrong, the account is disabled or the caller must wait
   * @throws IllegalArgumentException when a field is missing
   */
  public AccessTokens.Issued login(String username, String password, String address) {
    if (tokens == null) {
      throw new IllegalStateException("this process manages accounts but does not issue tokens");
    }
    if (username == null || username.isBlank() || password == null || password.isEmpty()) {
      throw new IllegalArgumentException("username and password are required");
    }
    if (password.length() > AuthSettings.MAX_PASSWORD_CHARS) {
      throw new IllegalArgumentException("password is longer than " + AuthSettings.MAX_PASSWORD_CHARS + " characters");
    }
    String name = username.strip();
    String target = abbreviate(name);
    long wait = throttle.retryAfterSeconds(name, address);
    if (wait > 0) {
      audit.record("anonymous", null, address, "login", target, "failure",
          Map.of("reason", "throttled", "retry_after_seconds", wait));
      throw new LoginRefusedException(Refusal.THROTTLED, wait, "too many failed logins; try again in " + wait + " s");
    }
    Optional<StoredUser> found = USERNAME.matcher(name).matches() ? users.get(name) : Optional.empty();
    boolean ok = found.isPresent() ? hasher.verify(password, found.get().passwordHash()) : hasher.verifyNothing(password);
    if (!ok) {
      throttle.failed(name, address);
      audit.record("anonymous", null, address, "login", target, "failure",
          Map.of("reason", found.isPresent() ? "wrong_password" : "unknown_user"));
      throw new LoginRefusedException(Refusal.BAD_CREDENTIALS, 0, "invalid username or password");
    }
    StoredUser u = found.get();
    Role role = userRole(u);
    if (u.disabled() || role == null) {
      audit.record(u.username(), null, address, "login", u.username(), "failure",
          Map.of("reason", u.disabled() ? "disabled" : "unknown_role"));
      throw new LoginRefusedException(Refusal.DISABLED, 0, u.disabled() ? "this account is disabled"
          : "this account has a role Phosor does not know (" + u.role() + "); ask an admin to set it");
    }
    throttle.succeeded(name);
    if (hasher.needsRehash(u.passwordHash())) {
      // New hashing parameters: store the stronger hash now that the password is at hand (this also ends the
      // account's other sessions, once).
      users.updatePasswordHash(u.username(), hasher.hash(password));
      cache.invalidate(key(u.username()));
    }
    StoredUser current = users.recordLogin(u.username());
    AccessTokens.Issued issued = tokens.issue(current.username(), role, version(current));
    audit.record(u.username(), role.id(), address, "login", u.username(), "success", Map.of());
    return issued;
  }

  /**
   * The caller a valid token stands for, with the account's current role.
   *
   * @throws AccessTokens.InvalidTokenException when the account no longer exists, is disabled, or changed after
   *     the token was issued
   */
  public Principal principal(AccessTokens.Claims claims) {
    Optional<StoredUser> found = cache.get(key(claims.username()));
    if (found.isEmpty()) {
      throw new AccessTokens.InvalidTokenException("unknown_user", "the token's account no longer exists");
    }
    StoredUser u = found.get();
    if (u.disabled()) {
      throw new AccessTokens.InvalidTokenException("disabled", "the token's account is disabled");
    }
    if (!MessageDigest.isEqual(claims.accountVersion().getBytes(StandardCharsets.UTF_8),
        version(u).getBytes(StandardCharsets.UTF_8))) {
      throw new AccessTokens.InvalidTokenException("revoked", "the account changed after this token was issued "
          + "(password, role or status); log in again");
    }
    Role role = userRole(u);
    if (role == null) {
      throw new AccessTokens.InvalidTokenException("unknown_role", "the token's account has an unknown role");
    }
    return new Principal(u.username(), role, Principal.Kind.USER);
  }

  // ---- managing users

  /** Every account, by name. */
  public List<StoredUser> list() {
    return users.list();
  }

  /** One account (StoreNotFoundException when there is none). */
  public StoredUser get(String username) {
    return users.get(checkName(username)).orElseThrow(() -> new StoreNotFoundException("user " + username
        + " does not exist"));
  }

  /** Creates an account; {@code by} and {@code address} are for the audit log. */
  public StoredUser create(String username, String password, Role role, Principal by, String address) {
    checkNewName(username);
    AuthSettings.checkPassword(password);
    requireUserRole(role);
    StoredUser u = users.create(username, hasher.hash(password), role.id());
    cache.invalidate(key(username));
    audit.record(by.name(), by.role().id(), address, "user.create", u.username(), "success", Map.of("role", role.id()));
    return u;
  }

  /**
   * Changes the role and/or the disabled flag (null: unchanged). Demoting or disabling the last enabled admin
   * is refused (StoreConflictException), so the accounts can always be managed from the API.
   */
  public synchronized StoredUser update(String username, Role role, Boolean disabled, Principal by, String address) {
    StoredUser u = get(username);
    if (role != null) {
      requireUserRole(role);
    }
    boolean losesAdmin = isActiveAdmin(u) && ((role != null && role != Role.ADMIN) || Boolean.TRUE.equals(disabled));
    if (losesAdmin) {
      requireAnotherAdmin(u, role != null && role != Role.ADMIN ? "take the admin role from" : "disable");
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    if (role != null && !role.id().equals(u.role())) {
      u = users.setRole(u.username(), role.id());
      detail.put("role", role.id());
    }
    if (disabled != null && disabled != u.disabled()) {
      u = users.setDisabled(u.username(), disabled);
      detail.put("disabled", disabled);
    }
    cache.invalidate(key(u.username()));
    if (!detail.isEmpty()) {
      audit.record(by.name(), by.role().id(), address, "user.update", u.username(), "success", detail);
    }
    return u;
  }

  /** Deletes an account; the last enabled admin cannot be deleted (StoreConflictException). */
  public synchronized void delete(String username, Principal by, String address) {
    StoredUser u = get(username);
    if (isActiveAdmin(u)) {
      requireAnotherAdmin(u, "delete");
    }
    users.delete(u.username());
    cache.invalidate(key(u.username()));
    audit.record(by.name(), by.role().id(), address, "user.delete", u.username(), "success", Map.of());
  }

  /**
   * Sets a new password. When {@code by} is the account itself, {@code oldPassword} must be its current password
   * (a stolen session cannot lock the owner out); an admin or the API token may set another account's password
   * without it. Every token of the account stops working.
   *
   * @throws SecurityException when the caller may not change this password or the old password is wrong
   */
  public StoredUser setPassword(String username, String oldPassword, String newPassword, Principal by, String address) {
    StoredUser u = get(username);
    boolean self = by.kind() == Principal.Kind.USER && by.name().equalsIgnoreCase(u.username());
    if (!self && !Role.ADMIN.admits(by)) {
      throw new SecurityException("only an admin may change another user's password");
    }
    AuthSettings.checkPassword(newPassword);
    if (self) {
      if (oldPassword == null || oldPassword.isEmpty()) {
        throw new IllegalArgumentException("old_password is required to change your own password");
      }
      long wait = throttle.retryAfterSeconds(u.username(), address);
      if (wait > 0) {
        throw new LoginRefusedException(Refusal.THROTTLED, wait, "too many wrong passwords; try again in " + wait + " s");
      }
      if (!hasher.verify(oldPassword, u.passwordHash())) {
        throttle.failed(u.username(), address);
        audit.record(by.name(), by.role().id(), address, "user.password", u.username(), "failure",
            Map.of("reason", "wrong_old_password"));
        throw new SecurityException("the old password is not right");
      }
    }
    StoredUser changed = users.updatePasswordHash(u.username(), hasher.hash(newPassword));
    cache.invalidate(key(u.username()));
    audit.record(by.name(), by.role().id(), address, "user.password", u.username(), "success", Map.of());
    return changed;
  }

  /**
   * On first start (no accounts at all) creates {@code admin} with {@code settings}' password or a generated one,
   * and tells {@code console} once (a generated password is shown there and nowhere else: not in the log).
   * Returns whether it created the account.
   */
  public boolean createFirstAdmin(AuthSettings settings, PrintStream console) {
    if (!users.list().isEmpty()) {
      return false;
    }
    boolean generated = settings.adminPassword() == null;
    String password = generated ? generatePassword() : settings.adminPassword();
    try {
      users.create(FIRST_ADMIN, hasher.hash(password), Role.ADMIN.id());
    } catch (StoreConflictException e) {
      return false; // another node sharing the database was first
    }
    audit.record("system", null, null, "user.create", FIRST_ADMIN, "success",
        Map.of("role", Role.ADMIN.id(), "first_start", true));
    LOG.info("first start: created the account '{}' (role admin){}", FIRST_ADMIN,
        generated ? "; its password was printed on the console" : " with the password from PHOSOR_ADMIN_PASSWORD");
    if (generated) {
      console.println();
      console.println("  Phosor created the first account. This password is shown once; note it now:");
      console.println();
      console.println("    user:     " + FIRST_ADMIN);
      console.println("    password: " + password);
      console.println();
      console.println("  Log in with POST /api/auth/token; change it with 'phosor user passwd " + FIRST_ADMIN + "'.");
      console.println();
    } else {
      console.println("Phosor created the first account '" + FIRST_ADMIN + "' with the password from PHOSOR_ADMIN_PASSWORD.");
    }
    console.flush();
    return true;
  }

  /**
   * The account's version as tokens carry it: changes whenever the account is recreated (id), changed
   * ({@code updated_at}) or given a new password (its salted hash). A short hash, so a token reveals nothing.
   */
  public static String version(StoredUser u) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] d = sha.digest((u.id() + ":" + u.updatedAt().toEpochMilli() + ":" + u.passwordHash())
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A random password for a new account (24 unambiguous letters and digits). */
  public static String generatePassword() {
    StringBuilder sb = new StringBuilder(GENERATED_PASSWORD_CHARS);
    for (int i = 0; i < GENERATED_PASSWORD_CHARS; i++) {
      sb.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
    }
    return sb.toString();
  }

  /** Checks a name for a new account: the allowed characters, not a reserved actor name. */
  public static String checkNewName(String username) {
    checkName(username);
    if (RESERVED.contains(username.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("user name \"" + username + "\" is reserved");
    }
    return username;
  }

  private static String checkName(String username) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException("user name must be 1-64 letters, digits, '.', '_', '@' or '-', starting with "
          + "a letter or digit");
    }
    return username;
  }

  private static void requireUserRole(Role role) {
    if (role == null || !role.isUserRole()) {
      throw new IllegalArgumentException("role must be one of viewer, analyst, admin");
    }
  }

  private static Role userRole(StoredUser u) {
    try {
      return Role.ofUser(u.role());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isActiveAdmin(StoredUser u) {
    return !u.disabled() && Role.ADMIN.id().equals(u.role());
  }

  private void requireAnotherAdmin(StoredUser u, String what) {
    boolean another = users.list().stream().anyMatch(o -> isActiveAdmin(o) && !o.username().equalsIgnoreCase(u.username()));
    if (!another) {
      throw new StoreConflictException("cannot " + what + " " + u.username() + ": it is the last enabled admin; "
          + "make another account admin first");
    }
  }

  private static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
