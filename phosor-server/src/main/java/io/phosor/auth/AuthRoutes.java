package io.phosor.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.Params;
import io.phosor.api.HttpApi;
import io.phosor.store.StoredUser;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Logging in and managing accounts: {@code POST /api/auth/token} (the seed's form fields, or JSON),
 * {@code GET /api/auth/me}, and {@code /api/users} (admin only, except that everyone may change their own
 * password with the old one).
 */
public final class AuthRoutes {
  private final ObjectMapper mapper;
  private final Accounts accounts;

  /** Routes over {@code accounts}. */
  public AuthRoutes(ObjectMapper mapper, Accounts accounts) {
    this.mapper = mapper;
    this.accounts = accounts;
  }

  /** Registers the routes. */
  public void register(Javalin app) {
    app.post("/api/auth/token", this::token, Role.PUBLIC);
    app.get("/api/auth/me", this::me, Role.VIEWER);
    app.get("/api/users", ctx -> ctx.json(accounts.list().stream().map(AuthRoutes::toJson).toList()), Role.ADMIN);
    app.post("/api/users", this::create, Role.ADMIN);
    app.get("/api/users/{username}", ctx -> ctx.json(toJson(accounts.get(ctx.pathParam("username")))), Role.ADMIN);
    app.put("/api/users/{username}", this::update, Role.ADMIN);
    app.delete("/api/users/{username}", ctx -> {
      accounts.delete(ctx.pathParam("username"), HttpApi.principal(ctx), ctx.ip());
      ctx.status(204);
    }, Role.ADMIN);
    // Viewer is the least role: the handler lets admins through and everyone else only for their own account.
    app.post("/api/users/{username}/password", this::password, Role.VIEWER);
  }

  private void token(Context ctx) {
    String username;
    String password;
    String ct = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (ct.contains("json") || (!ct.contains("form") && ctx.body().stripLeading().startsWith("{"))) {
      JsonNode body = Params.jsonObject(ctx, mapper, List.of("username", "password"));
      username = text(body, "username");
      password = text(body, "password");
    } else {
      username = ctx.formParam("username");
      password = ctx.formParam("password");
    }
    AccessTokens.Issued t = accounts.login(username, password, ctx.ip());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("access_token", t.token());
    out.put("token_type", "bearer");
    out.put("expires_in", t.expiresInSeconds());
    // RFC 6749 section 5.1: token responses must not be cached.
    ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache").json(out);
  }

  private void me(Context ctx) {
    Principal p = HttpApi.principal(ctx);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("username", p.name());
    out.put("role", p.role().id());
    out.put("kind", p.kind().name().toLowerCase(Locale.ROOT));
    ctx.json(out);
  }

  private void create(Context ctx) {
    JsonNode body = Params.jsonObject(ctx, mapper, List.of("username", "password", "role"));
    String role = text(body, "role");
    StoredUser u = accounts.create(required(body, "username"), required(body, "password"),
        Role.ofUser(role == null ? Role.VIEWER.id() : role), HttpApi.principal(ctx), ctx.ip());
    ctx.status(201).json(toJson(u));
  }

  private void update(Context ctx) {
    JsonNode body = Params.jsonObject(ctx, mapper, List.of("role", "disabled"));
    String role = text(body, "role");
    JsonNode d = body.get("disabled");
    if (d != null && !d.isBoolean() && !d.isNull()) {
      throw ApiException.badRequest("'disabled' must be true or false");
    }
    if (role == null && (d == null || d.isNull())) {
      throw ApiException.badRequest("body must set 'role' (viewer, analyst, admin) and/or 'disabled' (true/false)");
    }
    StoredUser u = accounts.update(ctx.pathParam("username"), role == null ? null : Role.ofUser(role),
        d == null || d.isNull() ? null : d.booleanValue(), HttpApi.principal(ctx), ctx.ip());
    ctx.json(toJson(u));
  }

  private void password(Context ctx) {
    Principal by = HttpApi.principal(ctx);
    String target = ctx.pathParam("username");
    boolean self = by.kind() == Principal.Kind.USER && by.name().equalsIgnoreCase(target);
    if (!self && !Role.ADMIN.admits(by)) {
      // Before reading the body: a viewer learns nothing about other accounts.
      throw new ApiException(403, "forbidden", "only an admin may change another user's password");
    }
    JsonNode body = Params.jsonObject(ctx, mapper, List.of("password", "old_password"));
    try {
      accounts.setPassword(target, text(body, "old_password"), required(body, "password"), by, ctx.ip());
    } catch (SecurityException e) {
      throw new ApiException(403, "forbidden", e.getMessage());
    }
    ctx.status(204);
  }

  /** The JSON of an account: never its password hash. */
  static Map<String, Object> toJson(StoredUser u) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("username", u.username());
    out.put("role", u.role());
    out.put("disabled", u.disabled());
    out.put("created_at", text(u.createdAt()));
    out.put("updated_at", text(u.updatedAt()));
    out.put("last_login_at", text(u.lastLoginAt()));
    return out;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("'" + field + "' must be a string");
    }
    return v.asText();
  }

  private static String required(JsonNode body, String field) {
    String v = text(body, field);
    if (v == null || v.isEmpty()) {
      throw ApiException.badRequest("'" + field + "' is required");
    }
    return v;
  }
}
