package io.phosor.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;

/**
 * Who may call a route. A route declares the least role it needs: the user roles form a ladder
 * (viewer &lt; analyst &lt; admin), so an analyst may call every viewer route. Ingestion is a separate
 * machine role: ingest tokens may only ingest, and people (JWTs) do not ingest. The generated API token
 * is an admin machine token that may also ingest. The full matrix is in docs/security.md.
 */
public enum Role implements RouteRole {
  /** No authentication: /health, HEC's health check and the login route. */
  PUBLIC(0),
  /** Machine senders with an ingest token: only the ingestion routes. */
  INGEST(0),
  /** Reads alerts, rules, events, stats and sources. */
  VIEWER(1),
  /** A viewer who also works alerts (acknowledge, resolve) and runs rule tests and detection over stored events. */
  ANALYST(2),
  /** Everything: rules, file sources, users. */
  ADMIN(3);

  private final int level;

  Role(int level) {
    this.level = level;
  }

  /** Whether {@code caller} may call a route that declares this role. */
  public boolean admits(Principal caller) {
    return switch (this) {
      case PUBLIC -> true;
      case INGEST -> caller.kind() == Principal.Kind.INGEST_TOKEN || caller.kind() == Principal.Kind.API_TOKEN;
      case VIEWER, ANALYST, ADMIN -> caller.kind() != Principal.Kind.INGEST_TOKEN && caller.role().level >= level;
    };
  }

  /** True for the roles a user account can have (viewer, analyst, admin). */
  public boolean isUserRole() {
    return level > 0;
  }

  /** The lower-case name stored in the database and put in tokens ({@code admin}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The user role named {@code name} (any case), or an IllegalArgumentException listing the valid ones. */
  public static Role ofUser(String name) {
    if (name != null) {
      for (Role r : values()) {
        if (r.isUserRole() && r.id().equalsIgnoreCase(name.strip())) {
          return r;
        }
      }
    }
    throw new IllegalArgumentException("role must be one of viewer, analyst, admin, was \"" + name + "\"");
  }
}
