package io.phosor.alert;

import com.fasterxml.jackson.databind.util.RawValue;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.api.Params;
import io.phosor.auth.Role;
import io.phosor.detect.AlertJson;
import io.phosor.event.Severity;
import io.phosor.store.AlertQuery;
import io.phosor.store.AlertStatus;
import io.phosor.store.StoreNotFoundException;
import io.phosor.store.StoredAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The stored alerts: {@code GET /api/alerts} (newest first; filters {@code severity} (comma-separated),
 * {@code status}, {@code rule}, {@code from}/{@code to} on the last event's time; paging with
 * {@code before}), {@code GET /api/alerts/{id}}, and {@code POST /api/alerts/{id}/acknowledge} and
 * {@code .../resolve} as in the seed.
 */
public final class AlertRoutes {
  /** The seed's default page. */
  static final int DEFAULT_LIMIT = 100;
  /** Largest page: an analyst's screen, not a bulk export. */
  static final int MAX_LIMIT = 1000;

  private final AlertService alerts;
  private final java.util.function.Function<String, List<String>> falsePositives;

  /** Routes over {@code alerts}. */
  public AlertRoutes(AlertService alerts) {
    this(alerts, id -> List.of());
  }

  /** Routes over {@code alerts}; {@code falsePositives} gives a rule's known false positives (Sigma) by rule id. */
  public AlertRoutes(AlertService alerts, java.util.function.Function<String, List<String>> falsePositives) {
    this.alerts = alerts;
    this.falsePositives = falsePositives;
  }

  private Map<String, Object> withRule(StoredAlert a) {
    Map<String, Object> m = toJson(a);
    m.put("rule_falsepositives", falsePositives.apply(a.alert().ruleId()));
    return m;
  }

  /** Registers the routes. */
  public void register(Javalin app) {
    app.get("/api/alerts", this::list, Role.VIEWER);
    app.get("/api/alerts/{alert_id}", ctx -> ctx.json(withRule(alerts.get(Params.idPath(ctx, "alert_id"))
        .orElseThrow(() -> new StoreNotFoundException("no alert " + ctx.pathParam("alert_id"))))), Role.VIEWER);
    app.post("/api/alerts/{alert_id}/acknowledge", ctx -> ctx.json(toJson(alerts.acknowledge(
        Params.idPath(ctx, "alert_id"), HttpApi.actor(ctx)))), Role.ANALYST);
    app.post("/api/alerts/{alert_id}/resolve", ctx -> ctx.json(toJson(alerts.resolve(
        Params.idPath(ctx, "alert_id"), HttpApi.actor(ctx)))), Role.ANALYST);
  }

  private void list(Context ctx) {
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    AlertQuery q = AlertQuery.newest(limit).withSeverities(severities(ctx.queryParam("severity")))
        .withStatus(status(ctx.queryParam("status"))).withRuleId(blankToNull(ctx.queryParam("rule")))
        .withBeforeId(Params.longParam(ctx, "before"));
    Instant from = Params.instantParam(ctx, "from");
    Instant to = Params.instantParam(ctx, "to");
    if (from != null && to != null && !from.isBefore(to)) {
      throw ApiException.badRequest("from must be before to");
    }
    q = q.withLastSeen(from, to);
    List<StoredAlert> page = alerts.list(q);
    List<Map<String, Object>> out = new ArrayList<>(page.size());
    page.forEach(a -> out.add(withRule(a)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("alerts", out);
    body.put("next_before", page.size() == limit ? page.get(page.size() - 1).id() : null);
    ctx.json(body);
  }

  private static Set<Severity> severities(String v) {
    if (v == null || v.isBlank()) {
      return Set.of();
    }
    EnumSet<Severity> out = EnumSet.noneOf(Severity.class);
    for (String part : v.split(",")) {
      Severity s = Severity.parse(part);
      if (s == null) {
        throw ApiException.badRequest("severity must be one or more of informational, low, medium, high, critical "
            + "(comma-separated), was '" + Params.abbreviate(v) + "'");
      }
      out.add(s);
    }
    return out;
  }

  private static AlertStatus status(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return AlertStatus.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("status must be open, acknowledged or resolved, was '" + Params.abbreviate(v) + "'");
    }
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** The stored alert as JSON: the engine's alert shape plus id, status, who/when and the enrichment (or null). */
  public static Map<String, Object> toJson(StoredAlert s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.putAll(AlertJson.toMap(s.alert()));
    m.put("status", s.status().name().toLowerCase(Locale.ROOT));
    m.put("created_at", s.createdAt() == null ? null : s.createdAt().toString());
    m.put("acknowledged_by", s.acknowledgedBy());
    m.put("acknowledged_at", s.acknowledgedAt() == null ? null : s.acknowledgedAt().toString());
    m.put("resolved_by", s.resolvedBy());
    m.put("resolved_at", s.resolvedAt() == null ? null : s.resolvedAt().toString());
    // stored as a JSON object (Alerts.enrich checks it): written as it is, not re-parsed
    m.put("enrichment", s.enrichment() == null ? null : new RawValue(s.enrichment()));
    return m;
  }
}
