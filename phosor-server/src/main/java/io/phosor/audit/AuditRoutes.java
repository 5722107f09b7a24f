package io.phosor.audit;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.Params;
import io.phosor.auth.Role;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/audit}: the audit trail newest first, read from its files. Filters {@code actor},
 * {@code action} (exact, or a prefix ending in {@code *}), {@code outcome} (exact, or {@code 2xx}/{@code 4xx}...),
 * {@code from}/{@code to}; {@code limit} 1-1000; paging with {@code before} (the {@code next_before} of the
 * previous page).
 */
public final class AuditRoutes {
  /** A screenful. */
  static final int DEFAULT_LIMIT = 100;
  /** Largest page: a review, not a bulk export (the files themselves are the export). */
  static final int MAX_LIMIT = 1000;
  /** How long a read waits for entries recorded just before it (the caller's own last change) to reach the disk. */
  private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(2);
  /** Longest filter value: as long as a field can be. */
  private static final int MAX_FILTER = AuditTrail.MAX_FIELD_CHARS;

  private final AuditTrail trail;

  /** Routes over {@code trail}. */
  public AuditRoutes(AuditTrail trail) {
    this.trail = trail;
  }

  /** Registers the route (admins only). */
  public void register(Javalin app) {
    app.get("/api/audit", this::list, Role.ADMIN);
  }

  private void list(Context ctx) throws IOException {
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Instant from = Params.instantParam(ctx, "from");
    Instant to = Params.instantParam(ctx, "to");
    if (from != null && to != null && !from.isBefore(to)) {
      throw ApiException.badRequest("from must be before to");
    }
    String outcome = filter(ctx, "outcome");
    AuditReader.Query q = new AuditReader.Query(filter(ctx, "actor"), filter(ctx, "action"), outcome, from, to,
        Params.longParam(ctx, "before"), limit);
    trail.flush(READ_YOUR_WRITES);
    AuditReader.Page page = AuditReader.read(trail.dir(), q);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("entries", page.entries());
    body.put("next_before", page.nextBefore());
    ctx.json(body);
  }

  private static String filter(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    if (v.length() > MAX_FILTER) {
      throw ApiException.badRequest(name + " must be at most " + MAX_FILTER + " characters, was " + v.length());
    }
    return v.trim();
  }
}
