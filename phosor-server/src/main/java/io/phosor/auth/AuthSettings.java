package io.phosor.auth;

import io.phosor.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The account settings, read from the environment (they are secrets or first-start values, so they have no
 * phosor.yml key): the token signing key, the token lifetime and the first admin's password. See
 * docs/security.md.
 *
 * @param secretKey the HS256 key from {@code PHOSOR_SECRET_KEY} / {@code SECRET_KEY}, or null to use (or
 *     generate) {@code <data_dir>/secrets/jwt.key}
 * @param tokenTtl how long an access token is valid ({@code PHOSOR_TOKEN_TTL_SECONDS})
 * @param adminPassword the password of the {@code admin} account created on first start
 *     ({@code PHOSOR_ADMIN_PASSWORD}), or null to generate one and print it once
 */
public record AuthSettings(byte[] secretKey, Duration tokenTtl, String adminPassword) {
  /** Short-lived by default: a stolen token is worth 15 minutes; the dashboard logs in again. */
  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofMinutes(15);
  /** Shortest accepted token lifetime: less makes clients log in constantly. */
  static final long MIN_TTL_SECONDS = 60;
  /** Longest accepted token lifetime: a day; scripts that need longer use the API token. */
  static final long MAX_TTL_SECONDS = 86_400;
  /** Shortest password Phosor accepts for any account (NIST SP 800-63B asks for at least 8; we ask 12). */
  public static final int MIN_PASSWORD_CHARS = 12;
  /** Longest password: bounds the work of hashing one. */
  public static final int MAX_PASSWORD_CHARS = 1024;

  /** Defaults: a key from the data directory, 15-minute tokens, a generated admin password. */
  public static AuthSettings defaults() {
    return new AuthSettings(null, DEFAULT_TOKEN_TTL, null);
  }

  /** Reads and checks the settings; a bad value stops start-up with a {@link ConfigException} naming it. */
  public static AuthSettings fromEnvironment(Map<String, String> env) {
    byte[] key = null;
    String keyVar = env.get("PHOSOR_SECRET_KEY") != null ? "PHOSOR_SECRET_KEY" : "SECRET_KEY";
    String k = env.get(keyVar);
    if (k != null && !k.isEmpty()) {
      key = k.getBytes(StandardCharsets.UTF_8);
      if (key.length < AccessTokens.MIN_KEY_BYTES) {
        // Never echo the key: it is a secret.
        throw new ConfigException("invalid configuration: " + keyVar + ": the token signing key must be at least "
            + AccessTokens.MIN_KEY_BYTES + " bytes, was " + key.length + "; use e.g. 'openssl rand -hex 32', or unset it "
            + "to have one generated in <data_dir>/secrets/jwt.key");
      }
    }
    Duration ttl = DEFAULT_TOKEN_TTL;
    String t = env.get("PHOSOR_TOKEN_TTL_SECONDS");
    if (t != null && !t.isBlank()) {
      long s;
      try {
        s = Long.parseLong(t.strip());
      } catch (NumberFormatException e) {
        throw new ConfigException("invalid configuration: PHOSOR_TOKEN_TTL_SECONDS: must be a whole number, was '" + t + "'");
      }
      if (s < MIN_TTL_SECONDS || s > MAX_TTL_SECONDS) {
        throw new ConfigException("invalid configuration: PHOSOR_TOKEN_TTL_SECONDS: must be between " + MIN_TTL_SECONDS
            + " and " + MAX_TTL_SECONDS + ", was " + s);
      }
      ttl = Duration.ofSeconds(s);
    }
    String admin = env.get("PHOSOR_ADMIN_PASSWORD");
    if (admin != null && admin.isEmpty()) {
      admin = null;
    }
    if (admin != null) {
      try {
        checkPassword(admin);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid configuration: PHOSOR_ADMIN_PASSWORD: " + e.getMessage());
      }
    }
    return new AuthSettings(key, ttl, admin);
  }

  /** Refuses a password that is too short or too long, with the rule in the message (never the password). */
  public static String checkPassword(String password) {
    if (password == null || password.length() < MIN_PASSWORD_CHARS) {
      throw new IllegalArgumentException("password must be at least " + MIN_PASSWORD_CHARS + " characters, was "
          + (password == null ? 0 : password.length()));
    }
    if (password.length() > MAX_PASSWORD_CHARS) {
      throw new IllegalArgumentException("password must be at most " + MAX_PASSWORD_CHARS + " characters");
    }
    return password;
  }

  /** Masks the key and the password: settings may end up in a log. */
  @Override
  public String toString() {
    return "AuthSettings[secretKey=" + (secretKey == null ? "(generated)" : "(set)") + ", tokenTtl=" + tokenTtl
        + ", adminPassword=" + (adminPassword == null ? "(generated)" : "(set)") + "]";
  }
}
