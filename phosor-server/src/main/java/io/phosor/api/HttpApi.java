package io.phosor.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.store.StoreConflictException;
import io.phosor.store.StoreNotFoundException;
import io.phosor.store.StoreUnavailableException;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import io.phosor.audit.Audit;
import io.phosor.auth.Role;
import io.phosor.auth.TokenAuth;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server (Javalin): JSON errors in one place, authentication on every route but /health,
 * body size limit. Routes are added by the feature packages through {@link #app()}; each route must
 * declare the {@link Role} it needs, and a route without one is refused (deny by default).
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  /** Request attribute holding the authenticated token (for rate-limit keys). */
  public static final String TOKEN_ATTR = "phosor.token";
  /** Request attribute holding the authenticated role. */
  public static final String ROLE_ATTR = "phosor.role";
  private static final String ERROR_ATTR = "phosor.error";
  private static final String ROUTE_ATTR = "phosor.route";
  private static final String TARGET_ATTR = "phosor.target";
  private static final String DATA_PLANE_ATTR = "phosor.ingest";
  /** The methods that change state; every request with one is audited. */
  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final Javalin app;
  private final TokenAuth auth;
  private volatile Audit audit = Audit.NONE;

  /** Creates the server (not started); bodies above {@code maxBodyBytes} get 413. */
  public HttpApi(TokenAuth auth, long maxBodyBytes, ObjectMapper mapper) {
    this.auth = auth;
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.useVirtualThreads = true;
      cfg.http.maxRequestSize = maxBodyBytes;
      cfg.jsonMapper(new JavalinJackson(mapper, false));
    });
    app.beforeMatched(HttpApi::noteRoute);
    app.beforeMatched(this::authenticate);
    app.after(this::auditRequest);
    app.exception(ApiException.class, (e, ctx) -> {
      e.headers().forEach(ctx::header);
      error(ctx, e.status(), e.error(), e.getMessage());
    });
    app.exception(HttpResponseException.class, (e, ctx) -> {
      switch (e.getStatus()) {
        case 413 -> error(ctx, 413, "payload_too_large", "request body exceeds the limit of " + maxBodyBytes
            + " bytes (PHOSOR_HTTP_MAX_BODY_BYTES)");
        case 404 -> error(ctx, 404, "not_found", "no route for " + ctx.method() + " " + ctx.path());
        case 405 -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
        default -> error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage());
      }
    });
    app.exception(StoreNotFoundException.class, (e, ctx) -> error(ctx, 404, "not_found", e.getMessage()));
    app.exception(StoreConflictException.class, (e, ctx) -> error(ctx, 409, "conflict", e.getMessage()));
    app.exception(StoreUnavailableException.class, (e, ctx) -> {
      ctx.header("Retry-After", "5");
      error(ctx, 503, "store_unavailable", "the database is unavailable; retry shortly");
    });
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, "bad_request", e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("unhandled error on {} {}: {}", ctx.method(), ctx.path(), e.toString(), e);
      error(ctx, 500, "internal_error", "internal error; see the server log");
    });
    app.error(404, ctx -> {
      if (ctx.attribute(ERROR_ATTR) == null) {
        error(ctx, 404, "not_found", "no route for " + ctx.method() + " " + ctx.path());
      }
    });
    app.error(405, ctx -> {
      if (ctx.attribute(ERROR_ATTR) == null) {
        error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
      }
    });
  }

  /**
   * Records every state-changing request in {@code audit} once it is answered, refused ones included
   * (see docs/audit.md); until called, nothing is recorded.
   */
  public void auditTo(Audit audit) {
    this.audit = audit;
  }

  /** Writes a JSON error body. */
  public static void error(Context ctx, int status, String code, String message) {
    error(ctx, status, code, message, Map.of());
  }

  /** Writes a JSON error body with extra fields (e.g. the position of a query error). */
  public static void error(Context ctx, int status, String code, String message, Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", code);
    body.put("message", message);
    body.putAll(extra);
    ctx.attribute(ERROR_ATTR, code);
    ctx.status(status).json(body);
  }

  /** Notes the matched route and its path parameters for the audit entry (before authentication can refuse). */
  private static void noteRoute(Context ctx) {
    ctx.attribute(ROUTE_ATTR, ctx.endpointHandlerPath());
    Map<String, String> params = ctx.pathParamMap();
    if (!params.isEmpty()) {
      StringJoiner j = new StringJoiner(",");
      params.forEach((k, v) -> j.add(k + "=" + v));
      ctx.attribute(TARGET_ATTR, j.toString());
    }
    if (ctx.routeRoles().contains(Role.INGEST) || ctx.path().startsWith("/services/collector")) {
      ctx.attribute(DATA_PLANE_ATTR, Boolean.TRUE);
    }
  }

  /**
   * The one place requests are audited: who, role, address, route, object (path parameters) and outcome
   * (the HTTP status) of every POST, PUT, PATCH and DELETE. Ingestion is data, not management: an accepted
   * batch is counted in metrics, only a refused token is audited. Never a header or a body.
   */
  private void auditRequest(Context ctx) {
    String method = ctx.method().name();
    if (!STATE_CHANGING.contains(method)) {
      return;
    }
    int status = ctx.statusCode();
    if (ctx.attribute(DATA_PLANE_ATTR) != null && status != 401 && status != 403) {
      return;
    }
    String route = ctx.attribute(ROUTE_ATTR);
    Role role = ctx.attribute(ROLE_ATTR);
    String code = ctx.attribute(ERROR_ATTR);
    audit.record(actor(ctx), role == null ? null : role.name().toLowerCase(Locale.ROOT), ctx.ip(),
        method + " " + (route != null ? route : Params.abbreviate(ctx.path())), ctx.attribute(TARGET_ATTR),
        Integer.toString(status), code == null ? null : Map.of("error", code));
  }

  private void authenticate(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.contains(Role.PUBLIC)) {
      return;
    }
    if (roles.isEmpty()) {
      // Deny by default: a route nobody made a decision about is not reachable.
      throw new ApiException(403, "forbidden", "route has no access rule");
    }
    if (ctx.path().startsWith("/services/collector")) {
      return; // HEC answers in its own format; it authenticates itself (see HecRoutes).
    }
    String token = bearer(ctx.header("Authorization"));
    if (token == null) {
      throw new ApiException(401, "unauthorized", "missing 'Authorization: Bearer <token>' header",
          Map.of("WWW-Authenticate", "Bearer"));
    }
    Role role = auth.check(token);
    if (role == null) {
      throw new ApiException(401, "unauthorized", "invalid token", Map.of("WWW-Authenticate", "Bearer"));
    }
    ctx.attribute(TOKEN_ATTR, token);
    ctx.attribute(ROLE_ATTR, role); // set before the role check: the audit entry of a 403 names the caller
    if (!roles.contains(role) && !(role == Role.ADMIN && roles.contains(Role.INGEST))) {
      throw new ApiException(403, "forbidden", "this token may not call " + ctx.method() + " " + ctx.path());
    }
  }

  /**
   * Who is calling, as recorded in rule history, alert acknowledgements and the audit log. With the interim
   * API token it is the role's name; accounts (the security issue) change only this method.
   */
  public static String actor(Context ctx) {
    Role role = ctx.attribute(ROLE_ATTR);
    return role == null ? "anonymous" : role.name().toLowerCase(java.util.Locale.ROOT) + "-token";
  }

  /** Extracts the token of an {@code Authorization: Bearer <token>} header, or null. */
  public static String bearer(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String t = h.substring(7).trim();
      return t.isEmpty() ? null : t;
    }
    return null;
  }

  /** The token checker. */
  public TokenAuth auth() {
    return auth;
  }

  /** The Javalin app, for adding routes. */
  public Javalin app() {
    return app;
  }

  /** Starts listening; returns the bound port. */
  public int start(String host, int port) {
    app.start(host, port);
    return app.port();
  }

  /** Stops the server. */
  public void stop() {
    app.stop();
  }
}
