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
  private static final String INCIDENTS = "the incidents/response issue";
  private static final String SIGMA = "issue 8 (Sigma rules)";

  private PlannedRoutes() {}

  /** Registers the placeholders. */
  public static void register(Javalin app) {
    // Incidents: the incidents/response issue.
    app.get("/api/incidents", planned(INCIDENTS), Role.VIEWER);
    app.get("/api/incidents/{incident_id}", planned(INCIDENTS), Role.VIEWER);
    app.patch("/api/incidents/{incident_id}", planned(INCIDENTS), Role.ANALYST);
    app.post("/api/incidents/{incident_id}/notes", planned(INCIDENTS), Role.ANALYST);
    // Sigma rule import: issue 8.
    app.post("/api/rules/import", planned(SIGMA), Role.ADMIN);
  }

  private static Handler planned(String issue) {
    return ctx -> HttpApi.error(ctx, 501, "not_implemented",
        ctx.method() + " " + ctx.endpointHandlerPath() + " is not implemented yet: it arrives with " + issue);
  }
}
