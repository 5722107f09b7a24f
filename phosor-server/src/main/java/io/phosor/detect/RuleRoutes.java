package io.phosor.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.auth.Role;
import io.phosor.store.RuleChange;
import io.phosor.store.StoreNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rule management as in the seed: {@code GET/POST /api/rules}, {@code GET/PUT/DELETE /api/rules/{id}},
 * {@code POST /api/rules/{id}/toggle}, plus {@code GET /api/rules/{id}/history}. A rule is sent as JSON (the
 * seed's format) or, with {@code Content-Type: application/yaml}, as YAML; it is validated before it is
 * stored and is in force in the running engine when the call returns.
 */
public final class RuleRoutes {
  private final ObjectMapper mapper;
  private final RuleCatalog catalog;

  /** Routes over {@code catalog}. */
  public RuleRoutes(ObjectMapper mapper, RuleCatalog catalog) {
    this.mapper = mapper;
    this.catalog = catalog;
  }

  /** Registers the routes. */
  public void register(Javalin app) {
    app.get("/api/rules", ctx -> {
      List<Map<String, Object>> out = new ArrayList<>();
      catalog.entries().forEach(e -> out.add(toJson(e, false)));
      ctx.json(Map.of("rules", out));
    }, Role.VIEWER);
    app.get("/api/rules/{rule_id}", ctx -> ctx.json(toJson(find(ctx), true)), Role.VIEWER);
    app.post("/api/rules", ctx -> {
      Body b = body(ctx);
      ctx.status(201).json(toJson(invalidToBadRequest(() -> catalog.create(b.text, b.format, HttpApi.actor(ctx))), true));
    }, Role.ADMIN);
    app.put("/api/rules/{rule_id}", ctx -> {
      Body b = body(ctx);
      String id = ctx.pathParam("rule_id");
      ctx.json(toJson(invalidToBadRequest(() -> catalog.update(id, b.text, b.format, HttpApi.actor(ctx))), true));
    }, Role.ADMIN);
    app.delete("/api/rules/{rule_id}", ctx -> {
      catalog.delete(ctx.pathParam("rule_id"), HttpApi.actor(ctx));
      ctx.status(204);
    }, Role.ADMIN);
    app.post("/api/rules/{rule_id}/toggle", ctx -> ctx.json(toJson(catalog.toggle(ctx.pathParam("rule_id"),
        HttpApi.actor(ctx)), false)), Role.ADMIN);
    app.get("/api/rules/{rule_id}/history", ctx -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (RuleChange c : catalog.history(ctx.pathParam("rule_id"))) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", c.version());
        m.put("change", c.kind().name().toLowerCase(Locale.ROOT));
        m.put("enabled", c.enabled());
        m.put("by", c.by());
        m.put("at", c.at().toString());
        m.put("format", c.format());
        m.put("source", c.text());
        out.add(m);
      }
      ctx.json(Map.of("rule", ctx.pathParam("rule_id"), "history", out));
    }, Role.VIEWER);
  }

  private RuleCatalog.Entry find(Context ctx) {
    String id = ctx.pathParam("rule_id");
    return catalog.get(id).orElseThrow(() -> new StoreNotFoundException("no rule " + id));
  }

  private record Body(String text, String format) {}

  private Body body(Context ctx) {
    String ct = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    String text = ctx.body();
    if (text.isBlank()) {
      throw ApiException.badRequest("body must be a rule (JSON, or YAML with Content-Type: application/yaml)");
    }
    if (ct.contains("yaml")) {
      return new Body(text, "yaml");
    }
    try {
      JsonNode n = mapper.readTree(text);
      if (n == null || !n.isObject()) {
        throw ApiException.badRequest("body must be one rule as a JSON object (send YAML with Content-Type: "
            + "application/yaml)");
      }
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body is not valid JSON: " + e.getOriginalMessage()
          + " (send YAML with Content-Type: application/yaml)");
    }
    return new Body(text, "json");
  }

  private static RuleCatalog.Entry invalidToBadRequest(java.util.function.Supplier<RuleCatalog.Entry> op) {
    try {
      return op.get();
    } catch (RuleSetException | RuleException e) {
      throw new ApiException(400, "invalid_rule", e.getMessage());
    }
  }

  /** A rule as JSON: its header, where it comes from, its version and, in detail, its source text. */
  static Map<String, Object> toJson(RuleCatalog.Entry e, boolean withSource) {
    Rule r = e.rule();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("name", r.name());
    m.put("description", r.description());
    m.put("type", r.type());
    m.put("severity", r.severity().label());
    m.put("enabled", r.enabled());
    m.put("tags", r.tags());
    m.put("group_by", r.groupBy());
    m.put("suppress_seconds", r.suppress().toSeconds());
    m.put("origin", e.layer().name().toLowerCase(Locale.ROOT));
    m.put("file", e.layer() == RuleCatalog.Layer.API ? null : e.origin());
    m.put("overrides", e.overrides() == null ? null : e.overrides().name().toLowerCase(Locale.ROOT));
    m.put("version", e.stored() == null ? null : e.stored().version());
    m.put("updated_at", e.stored() == null ? null : e.stored().updatedAt().toString());
    m.put("updated_by", e.stored() == null ? null : e.stored().updatedBy());
    if (withSource) {
      m.put("format", e.stored() == null ? null : e.stored().format());
      m.put("source", e.source());
    }
    return m;
  }
}
