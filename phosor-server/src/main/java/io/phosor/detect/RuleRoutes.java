package io.phosor.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.auth.Role;
import io.phosor.sigma.SigmaRules;
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
    app.post("/api/rules/import", this::importSigma, Role.ADMIN);
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

  /** Largest Sigma import body. */
  static final int MAX_IMPORT_BYTES = 1 << 20;

  /** {@code POST /api/rules/import[?dry_run=true]}: Sigma YAML in, one report line per document out. */
  private void importSigma(Context ctx) {
    byte[] raw = ctx.bodyAsBytes();
    if (raw.length > MAX_IMPORT_BYTES) {
      throw new ApiException(413, "payload_too_large", "a Sigma import is at most " + MAX_IMPORT_BYTES
          + " bytes; split it into several requests");
    }
    String text = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw ApiException.badRequest("body must be Sigma YAML (one or more documents separated by ---)");
    }
    String dry = ctx.queryParam("dry_run");
    if (dry != null && !dry.equals("true") && !dry.equals("false")) {
      throw ApiException.badRequest("dry_run must be true or false");
    }
    boolean dryRun = "true".equals(dry);
    String file = ctx.queryParam("file");
    if (file != null && (file.length() > 200 || !file.matches("[\\w .@()+-]+"))) {
      throw ApiException.badRequest("file must be a plain file name of at most 200 characters");
    }
    List<RuleCatalog.Imported> result;
    try {
      result = catalog.importSigma(List.of(new SigmaRules.Source(file, text)), dryRun, HttpApi.actor(ctx));
    } catch (RuleSetException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    List<Map<String, Object>> rules = new ArrayList<>();
    int imported = 0;
    int unsupported = 0;
    for (RuleCatalog.Imported i : result) {
      SigmaRules.Report r = i.report();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", file);
      m.put("document", r.document());
      m.put("title", r.title());
      m.put("sigma_id", r.sigmaId());
      m.put("rule_id", r.supported() ? r.rule().id() : null);
      m.put("kind", r.kind());
      m.put("status", r.supported() ? "supported" : "unsupported");
      m.put("reason", r.reason());
      m.put("enabled", r.supported() && r.rule().enabled());
      m.put("level", r.level());
      m.put("falsepositives", r.falsepositives());
      m.put("action", i.action());
      rules.add(m);
      if (!r.supported()) {
        unsupported++;
      } else if (!dryRun && (i.action().equals("created") || i.action().equals("updated"))) {
        imported++;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dry_run", dryRun);
    out.put("imported", imported);
    out.put("unsupported", unsupported);
    out.put("rules", rules);
    ctx.json(out);
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
    if ("sigma".equals(ctx.queryParam("format")) || (ct.contains("yaml") && SigmaRules.looksLikeSigma(text))) {
      return new Body(text, RuleCatalog.SIGMA);
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
