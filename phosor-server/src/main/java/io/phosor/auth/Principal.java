package io.phosor.auth;

import java.util.Objects;

/**
 * Who is calling, once the bearer token has been checked.
 *
 * @param name the user name, {@code admin-token} for the API token, {@code ingest-token:<fingerprint>} for an
 *     ingest token: what rule history, acknowledgements and the audit log record
 * @param role what the caller may do ({@link Role#INGEST} for ingest tokens)
 * @param kind how the caller authenticated
 */
public record Principal(String name, Role role, Kind kind) {
  /** The actor name of the generated API token (kept from before accounts, so existing history reads the same). */
  public static final String API_TOKEN_NAME = "admin-token";

  /** How a caller authenticated. */
  public enum Kind {
    /** A person with a JWT from {@code POST /api/auth/token}. */
    USER,
    /** The generated API token ({@code data/secrets/api.token}): an admin machine token for scripts. */
    API_TOKEN,
    /** An ingest token: may only send events. */
    INGEST_TOKEN,
    /** Someone at the server's console with its configuration and database: the {@code phosor user} command. */
    CONSOLE
  }

  /** Checks the parts. */
  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(kind, "kind");
  }

  /** The API token's principal. */
  static Principal apiToken() {
    return new Principal(API_TOKEN_NAME, Role.ADMIN, Kind.API_TOKEN);
  }

  /** The principal of the {@code phosor user} command, named after the operating-system user running it. */
  public static Principal console() {
    String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._@-]", "_");
    return new Principal("console:" + user, Role.ADMIN, Kind.CONSOLE);
  }

  /** A stored ingest token's principal ({@code POST /api/ingest-tokens}), named by the token's name. */
  static Principal storedIngestToken(String name) {
    return new Principal("ingest-token:" + name, Role.INGEST, Kind.INGEST_TOKEN);
  }

  /** An ingest token's principal, named by the token's fingerprint. */
  static Principal ingestToken(String token) {
    return new Principal("ingest-token:" + TokenAuth.fingerprint(token), Role.INGEST, Kind.INGEST_TOKEN);
  }
}
