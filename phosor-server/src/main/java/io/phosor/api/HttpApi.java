package io.phosor.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.event.WsHandlerMetaInfo;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import io.phosor.audit.Audit;
import io.phosor.auth.AccessTokens;
import io.phosor.auth.Accounts;
import io.phosor.auth.Authenticator;
import io.phosor.auth.PasswordHasher;
import io.phosor.auth.Principal;
import io.phosor.auth.Role;
import io.phosor.store.StoreConflictException;
import io.phosor.tls.PemIdentity;
import io.phosor.store.StoreNotFoundException;
import io.phosor.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server (Javalin): JSON errors in one place, authentication and authorization on every route,
 * body size limit. Routes are added by the feature packages through {@link #app()}; each route must
 * declare the least {@link Role} it needs, and a route without one is refused (deny by default). Every
 * route registered is listed by {@link #routes()}, which the authorization matrix test walks.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  /** Request attribute holding the bearer token as sent (for rate-limit keys: only its fingerprint is used). */
  public static final String TOKEN_ATTR = "phosor.token";
  /** Request attribute holding the caller's {@link Role}. */
  public static final String ROLE_ATTR = "phosor.role";
  /** Request attribute holding the caller, a {@link Principal}. */
  public static final String PRINCIPAL_ATTR = "phosor.principal";
  private static final String ERROR_ATTR = "phosor.error";
  private static final String ROUTE_ATTR = "phosor.route";
  private static final String TARGET_ATTR = "phosor.target";
  private static final String DATA_PLANE_ATTR = "phosor.ingest";
  /** The methods that change state; every request with one is audited. */
  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  /**
   * A registered route: its method ({@code GET}, ..., or {@code WS} for a WebSocket), path as registered and roles.
   *
   * @param method the HTTP method, or {@code WS}
   * @param path the path with its {@code {parameters}}
   * @param roles the roles it declared (empty: nobody decided, so it is refused)
   */
  public record Route(String method, String path, Set<RouteRole> roles) {}

  private final Javalin app;
  private final Authenticator auth;
  private final Audit audit;
  private final List<Route> routes = Collections.synchronizedList(new ArrayList<>());

  /** Creates the server (not started); bodies above {@code maxBodyBytes} get 413; refusals go to {@code audit}. */
  public HttpApi(Authenticator auth, Audit audit, long maxBodyBytes, ObjectMapper mapper) {
    this(auth, audit, maxBodyBytes, mapper, List.of());
  }

  /**
   * Like {@link #HttpApi(Authenticator, Audit, long, ObjectMapper)}, answering CORS requests from {@code corsOrigins}
   * only (empty: no CORS headers at all, so browsers on other sites cannot read the API).
   */
  public HttpApi(Authenticator auth, Audit audit, long maxBodyBytes, ObjectMapper mapper, List<String> corsOrigins) {
    this.auth = auth;
    this.audit = audit;
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.useVirtualThreads = true;
      cfg.http.maxRequestSize = maxBodyBytes;
      cfg.jsonMapper(new JavalinJackson(mapper, false));
      if (!corsOrigins.isEmpty()) {
        cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
          rule.allowHost(corsOrigins.get(0), corsOrigins.subList(1, corsOrigins.size()).toArray(String[]::new));
          rule.exposeHeader("Retry-After");
        }));
      }
      cfg.events(e -> {
        e.handlerAdded(this::added);
        e.wsHandlerAdded(this::added);
      });
    });
    app.beforeMatched(HttpApi::noteRoute);
    app.beforeMatched(this::authenticate);
    app.after(this::auditRequest);
    app.exception(ApiException.class, (e, ctx) -> {
      e.headers().forEach(ctx::header);
      error(ctx, e.status(), e.error(), e.getMessage());
    });
    app.exception(Accounts.LoginRefusedException.class, (e, ctx) -> {
      switch (e.refusal()) {
        case THROTTLED -> {
          ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
          error(ctx, 429, "too_many_attempts", e.getMessage());
        }
        case DISABLED -> error(ctx, 403, "account_disabled", e.getMessage());
        default -> error(ctx, 401, "invalid_credentials", e.getMessage());
      }
    });
    app.exception(PasswordHasher.BusyException.class, (e, ctx) -> {
      ctx.header("Retry-After", "1");
      error(ctx, 503, "busy", e.getMessage());
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

  private void added(HandlerMetaInfo h) {
    if (h.getHttpMethod().isHttpMethod()) {
      routes.add(new Route(h.getHttpMethod().name(), h.getPath(), Set.copyOf(h.getRoles())));
    }
  }

  private void added(WsHandlerMetaInfo h) {
    if (h.getHandlerType() == io.javalin.websocket.WsHandlerType.WEBSOCKET) {
      routes.add(new Route("WS", h.getPath(), Set.copyOf(h.getRoles())));
    }
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
    audit.record(actor(ctx), role == null ? null : role.id(), ctx.ip(),
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
    String request = ctx.method() + " " + ctx.path();
    Principal caller;
    try {
      caller = auth.authenticate(token, ctx.ip(), request);
    } catch (AccessTokens.InvalidTokenException e) {
      // RFC 6750 section 3.1: invalid_token, with a description the client developer can act on.
      throw new ApiException(401, "unauthorized", "invalid token: " + e.getMessage(),
          Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }
    // set before the role check: the audit entry of a refused request (written once, by auditRequest for
    // state-changing methods) names the caller
    ctx.attribute(TOKEN_ATTR, token);
    ctx.attribute(ROLE_ATTR, caller.role());
    ctx.attribute(PRINCIPAL_ATTR, caller);
    if (!admits(roles, caller)) {
      if (!STATE_CHANGING.contains(ctx.method().name())) {
        audit.record(caller.name(), caller.role().id(), ctx.ip(), "access.denied", request, "denied",
            Map.of("needs", roleNames(roles)));
      }
      if (roles.contains(Role.INGEST) && caller.kind() == Principal.Kind.USER) {
        throw new ApiException(403, "forbidden", "people do not ingest: send events to " + request + " with an ingest "
            + "token (PHOSOR_INGEST_TOKENS or data/secrets/ingest.token)");
      }
      throw new ApiException(403, "forbidden", "role " + caller.role().id() + " may not call " + request + " (needs "
          + roleNames(roles) + ")");
    }
  }

  private static boolean admits(Set<RouteRole> roles, Principal caller) {
    for (RouteRole r : roles) {
      if (r instanceof Role role && role.admits(caller)) {
        return true;
      }
    }
    return false;
  }

  private static String roleNames(Set<RouteRole> roles) {
    Set<String> names = new LinkedHashSet<>();
    for (RouteRole r : roles) {
      names.add(r instanceof Role role ? role.id() : r.toString());
    }
    return String.join(" or ", names);
  }

  /**
   * Who is calling, as recorded in rule history, alert acknowledgements and the audit log: the user name, or
   * {@code admin-token} for the API token, {@code ingest-token:<fingerprint>} for an ingest token, or
   * {@code anonymous} on a public route.
   */
  public static String actor(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL_ATTR);
    return p == null ? "anonymous" : p.name();
  }

  /** The authenticated caller of this request; only on routes that are not public. */
  public static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL_ATTR);
    if (p == null) {
      throw new IllegalStateException("no authenticated caller on " + ctx.method() + " " + ctx.path());
    }
    return p;
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

  /** The token checker (for a WebSocket route that takes its token another way than the header). */
  public Authenticator authenticator() {
    return auth;
  }

  /** Every route registered so far, in order (HTTP methods and WebSockets; not before/after filters). */
  public List<Route> routes() {
    synchronized (routes) {
      return List.copyOf(routes);
    }
  }

  /** The Javalin app, for adding routes. */
  public Javalin app() {
    return app;
  }

  /** Starts listening; returns the bound port. */
  public int start(String host, int port) {
    return start(host, port, null);
  }

  /**
   * Starts listening, with HTTPS only (TLS 1.2 and 1.3) when {@code tls} is given: plain HTTP is then not
   * served at all, so no token ever crosses the network in clear text. Returns the bound port.
   */
  public int start(String host, int port, PemIdentity tls) {
    if (tls == null) {
      app.start(host, port);
      return app.port();
    }
    char[] password = java.util.UUID.randomUUID().toString().toCharArray(); // in memory only
    app.unsafeConfig().jetty.addConnector((server, httpConfig) -> {
      org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
      ssl.setKeyStore(tls.keyStore(password));
      ssl.setKeyStorePassword(new String(password));
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      org.eclipse.jetty.server.HttpConfiguration https = new org.eclipse.jetty.server.HttpConfiguration(httpConfig);
      https.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer(false));
      org.eclipse.jetty.server.ServerConnector c = new org.eclipse.jetty.server.ServerConnector(server,
          new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"),
          new org.eclipse.jetty.server.HttpConnectionFactory(https));
      c.setHost(host);
      c.setPort(port);
      return c;
    });
    app.start();
    for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
      if (c instanceof org.eclipse.jetty.server.ServerConnector sc && sc.getDefaultConnectionFactory()
          instanceof org.eclipse.jetty.server.SslConnectionFactory) {
        return sc.getLocalPort();
      }
    }
    throw new IllegalStateException("the HTTPS connector did not start");
  }

  /** Stops the server. */
  public void stop() {
    app.stop();
  }
}
