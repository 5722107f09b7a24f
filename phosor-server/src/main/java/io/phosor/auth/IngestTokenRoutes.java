package io.phosor.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.HttpApi;
import io.phosor.api.Params;
import io.phosor.audit.Audit;
import io.phosor.store.IngestToken;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ingest tokens an admin creates and revokes at run time ({@link StoredIngestTokens}): {@code GET
 * /api/ingest-tokens}, {@code POST /api/ingest-tokens} (the token is in the answer, once) and {@code DELETE
 * /api/ingest-tokens/{name}} (revokes; the row stays for the record). Every change is in the audit log, without
 * the token.
 */
public final class IngestTokenRoutes {
  /** The collection's path. */
  public static final String PATH = "/api/ingest-tokens";
  private final ObjectMapper mapper;
  private final StoredIngestTokens tokens;
  private final Audit audit;

  /** Routes over {@code tokens}; changes are recorded in {@code audit}. */
  public IngestTokenRoutes(ObjectMapper mapper, StoredIngestTokens tokens, Audit audit) {
    this.mapper = mapper;
    this.tokens = tokens;
    this.audit = audit;
  }

  /** Registers the routes (admin only). */
  public void register(Javalin app) {
    app.get(PATH, ctx -> ctx.json(tokens.list().stream().map(IngestTokenRoutes::toJson).toList()), Role.ADMIN);
    app.post(PATH, this::create, Role.ADMIN);
    app.delete(PATH + "/{name}", this::revoke, Role.ADMIN);
  }

  private void create(Context ctx) {
    JsonNode body = Params.jsonObject(ctx, mapper, List.of("name"));
    JsonNode n = body.get("name");
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("'name' is required: 1-64 letters, digits, '.', '_' or '-', starting with a "
          + "letter or digit");
    }
    Principal by = HttpApi.principal(ctx);
    StoredIngestTokens.Created c = tokens.create(n.asText(), by.name());
    audit.record(by.name(), by.role().id(), ctx.ip(), "ingest_token.create", c.description().name(), "success",
        Map.of());
    Map<String, Object> out = toJson(c.description());
    out.put("token", c.token());
    // shown once: not to be cached anywhere
    ctx.status(201).header("Cache-Control", "no-store").header("Pragma", "no-cache").json(out);
  }

  private void revoke(Context ctx) {
    Principal by = HttpApi.principal(ctx);
    IngestToken t = tokens.revoke(ctx.pathParam("name"));
    audit.record(by.name(), by.role().id(), ctx.ip(), "ingest_token.revoke", t.name(), "success", Map.of());
    ctx.json(toJson(t));
  }

  private static Map<String, Object> toJson(IngestToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", t.name());
    m.put("created_by", t.createdBy());
    m.put("created_at", text(t.createdAt()));
    m.put("last_used_at", text(t.lastUsedAt()));
    m.put("revoked", t.revoked());
    m.put("revoked_at", text(t.revokedAt()));
    return m;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
