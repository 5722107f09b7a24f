package io.phosor.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.alert.AlertRoutes;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.api.Params;
import io.phosor.audit.Audit;
import io.phosor.auth.Role;
import io.phosor.event.Severity;
import io.phosor.store.IncidentEvent;
import io.phosor.store.IncidentQuery;
import io.phosor.store.IncidentStatus;
import io.phosor.store.IncidentSummary;
import io.phosor.store.StoredAlert;
import io.phosor.store.StoredUser;
import io.phosor.store.Users;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The incidents: {@code GET /api/incidents} (newest first; filters {@code status}, {@code severity} (at least),
 * {@code assignee}, {@code entity_type}, {@code entity}; paging with {@code before}), {@code GET
 * /api/incidents/{id}} (with its alerts, timeline and actions), {@code PATCH /api/incidents/{id}} (status,
 * assignee, note) and {@code POST /api/incidents/{id}/notes}. Each change is audited ({@code incident.status},
 * {@code incident.assign}, {@code incident.note}), lands on the timeline with who made it, and is told to the
 * live feed and the incident listeners.
 */
public final class IncidentRoutes {
  /** The default page. */
  static final int DEFAULT_LIMIT = 100;
  /** Largest page: an analyst's screen, not a bulk export. */
  static final int MAX_LIMIT = 1000;
  /** Alerts and timeline entries shown with one incident: the newest this many (alert_count says how many in all). */
  static final int DETAIL_LIMIT = 1000;
  /** Longest note, in characters: a paragraph or a pasted log excerpt, not a file. */
  static final int MAX_NOTE = 10_000;
  private static final List<String> PATCH_FIELDS = List.of("status", "assignee", "note");
  private static final Set<String> ENTITY_TYPES = Set.of("ip", "user", "host", "rule");

  private final ObjectMapper mapper;
  private final IncidentService incidents;
  private final Users users;
  private final Audit audit;

  /** Routes over {@code incidents}; assignees are checked against {@code users}; changes go to {@code audit}. */
  public IncidentRoutes(ObjectMapper mapper, IncidentService incidents, Users users, Audit audit) {
    this.mapper = mapper;
    this.incidents = incidents;
    this.users = users;
    this.audit = audit;
  }

  /** Registers the routes. */
  public void register(Javalin app) {
    app.get("/api/incidents", this::list, Role.VIEWER);
    app.get("/api/incidents/{incident_id}", this::detail, Role.VIEWER);
    app.patch("/api/incidents/{incident_id}", this::patch, Role.ANALYST);
    app.post("/api/incidents/{incident_id}/notes", this::note, Role.ANALYST);
  }

  private void list(Context ctx) {
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    IncidentQuery q = IncidentQuery.newest(limit).withStatus(status(ctx.queryParam("status"), "status"))
        .withMinSeverity(severity(ctx.queryParam("severity"))).withAssignee(blankToNull(ctx.queryParam("assignee")))
        .withEntity(entityType(ctx.queryParam("entity_type")), blankToNull(ctx.queryParam("entity")))
        .withBeforeId(Params.longParam(ctx, "before"));
    List<IncidentSummary> page = incidents.list(q);
    List<Map<String, Object>> out = new ArrayList<>(page.size());
    page.forEach(s -> out.add(IncidentJson.summary(s)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("incidents", out);
    body.put("next_before", page.size() == limit ? page.get(page.size() - 1).incident().id() : null);
    ctx.json(body);
  }

  private void detail(Context ctx) {
    long id = Params.idPath(ctx, "incident_id");
    IncidentSummary s = incidents.get(id).orElseThrow(() -> IncidentService.notFound(id));
    Map<String, Object> body = IncidentJson.summary(s);
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (StoredAlert a : incidents.alerts(id, DETAIL_LIMIT)) {
      alerts.add(AlertRoutes.toJson(a));
    }
    body.put("alerts", alerts);
    List<Map<String, Object>> timeline = new ArrayList<>();
    for (IncidentEvent e : incidents.timeline(id, DETAIL_LIMIT)) {
      timeline.add(IncidentJson.event(e));
    }
    body.put("timeline", timeline);
    body.put("actions", incidents.actions(id).stream().map(IncidentJson::action).toList());
    ctx.json(body);
  }

  /**
   * Applies the body's changes in the order assignee, status, note, after checking all of them (a bad field
   * changes nothing), and answers the incident as {@code GET} does.
   */
  private void patch(Context ctx) {
    long id = Params.idPath(ctx, "incident_id");
    incidents.get(id).orElseThrow(() -> IncidentService.notFound(id));
    JsonNode body = Params.jsonObject(ctx, mapper, PATCH_FIELDS);
    if (body.isEmpty()) {
      throw ApiException.badRequest("body must set at least one of status (open, acknowledged, resolved), assignee "
          + "(a user name, or null to unassign), note");
    }
    IncidentStatus status = null;
    if (body.has("status")) {
      String v = text(body, "status");
      status = status(v, "status");
      if (status == null) {
        throw ApiException.badRequest("'status' must be open, acknowledged or resolved");
      }
    }
    boolean assigning = body.has("assignee");
    String assignee = assigning ? assignee(text(body, "assignee")) : null;
    String note = body.has("note") ? note(text(body, "note"), "note") : null;

    String who = HttpApi.actor(ctx);
    String role = role(ctx);
    String target = Long.toString(id);
    if (assigning) {
      IncidentService.Change c = incidents.assign(id, assignee, who);
      if (c.changed()) {
        audit.record(who, role, ctx.ip(), "incident.assign", target, "success", detail("from", c.before().assignee(),
            "to", c.after().assignee()));
      }
    }
    if (status != null) {
      IncidentService.Change c = incidents.setStatus(id, status, who);
      if (c.changed()) {
        Map<String, Object> d = detail("from", c.before().status().label(), "to", c.after().status().label());
        if (!c.resolvedAlerts().isEmpty()) {
          d.put("resolved_alerts", c.resolvedAlerts());
        }
        audit.record(who, role, ctx.ip(), "incident.status", target, "success", d);
      }
    }
    if (note != null) {
      addNote(ctx, id, note);
    }
    detail(ctx);
  }

  private void note(Context ctx) {
    long id = Params.idPath(ctx, "incident_id");
    incidents.get(id).orElseThrow(() -> IncidentService.notFound(id));
    JsonNode body = Params.jsonObject(ctx, mapper, List.of("text"));
    String text = note(text(body, "text"), "text");
    IncidentEvent e = addNote(ctx, id, text);
    ctx.status(201).json(IncidentJson.event(e));
  }

  private IncidentEvent addNote(Context ctx, long id, String text) {
    String who = HttpApi.actor(ctx);
    IncidentEvent e = incidents.addNote(id, text, who);
    // the note's length, not its text: the audit log records who did what, the timeline holds the content
    audit.record(who, role(ctx), ctx.ip(), "incident.note", Long.toString(id), "success",
        detail("entry", e.id(), "chars", text.length()));
    return e;
  }

  private String assignee(String name) {
    if (name == null) {
      return null;
    }
    if (name.isBlank()) {
      throw ApiException.badRequest("'assignee' must be a user name, or null to unassign");
    }
    StoredUser u = users.get(name.strip()).orElseThrow(() -> ApiException.badRequest("'assignee': no user named '"
        + Params.abbreviate(name) + "' (see GET /api/users)"));
    if (u.disabled()) {
      throw ApiException.badRequest("'assignee': user '" + u.username() + "' is disabled");
    }
    return u.username();
  }

  private static String note(String text, String field) {
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("'" + field + "' must be a non-empty string");
    }
    if (text.length() > MAX_NOTE) {
      throw ApiException.badRequest("'" + field + "' is " + text.length() + " characters long, more than the "
          + MAX_NOTE + " allowed");
    }
    return text;
  }

  private static String role(Context ctx) {
    Role r = ctx.attribute(HttpApi.ROLE_ATTR);
    return r == null ? null : r.id();
  }

  private static Map<String, Object> detail(Object... nameValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put((String) nameValues[i], nameValues[i + 1]);
    }
    return m;
  }

  private static IncidentStatus status(String v, String name) {
    if (v == null || v.isBlank()) {
      return null;
    }
    IncidentStatus s = IncidentStatus.parse(v.trim());
    if (s == null) {
      throw ApiException.badRequest(name + " must be open, acknowledged or resolved, was '" + Params.abbreviate(v)
          + "'");
    }
    return s;
  }

  private static Severity severity(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    Severity s = Severity.parse(v);
    if (s == null) {
      throw ApiException.badRequest("severity must be one of informational, low, medium, high, critical (incidents "
          + "of that severity or higher), was '" + Params.abbreviate(v) + "'");
    }
    return s;
  }

  private static String entityType(String v) {
    String t = blankToNull(v);
    if (t != null && !ENTITY_TYPES.contains(t)) {
      throw ApiException.badRequest("entity_type must be ip, user, host or rule, was '" + Params.abbreviate(t) + "'");
    }
    return t;
  }

  private static String blankToNull(String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    if (v.length() > 1024) {
      throw ApiException.badRequest("a filter value is " + v.length() + " characters long, more than the 1024 allowed");
    }
    return v.trim();
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("'" + field + "' must be a string" + (field.equals("assignee")
          ? " or null" : ""));
    }
    return v.asText();
  }
}
