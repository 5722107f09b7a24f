package io.phosor.api;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.phosor.auth.Role;

/**
 * Routes announced in the API but built by later issues. Each is authenticated and authorized like a real
 * route (so the authorization matrix in docs/security.md already applies) and answers 501
 * {@code not_implemented} saying which issue brings it. Replace a group here when its issue lands.
 */
public final class PlannedRoutes {
  private static final String SIGMA = "issue 8 (Sigma rules)";

  private PlannedRoutes() {}

  /** Registers the placeholders. */
  public static void register(Javalin app) {
    // Sigma rule import: issue 8.
    app.post("/api/rules/import", planned(SIGMA), Role.ADMIN);
  }

  private static Handler planned(String issue) {
    return ctx -> HttpApi.error(ctx, 501, "not_implemented",
        ctx.method() + " " + ctx.endpointHandlerPath() + " is not implemented yet: it arrives with " + issue);
  }
}
