package io.phosor.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.phosor.auth.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3 description of the HTTP API, served at {@code GET /api/openapi.json} (public: it says no more
 * than docs/api.md). It is rendered from {@link #OPS}, one declarative entry per route; {@code OpenApiTest}
 * fails when a registered route has no entry (or an entry no route), so the document cannot fall behind.
 * WebSockets are not OpenAPI operations: they are listed under the {@code x-websocket} extension.
 */
public final class OpenApi {
  /** Where the document is served. */
  public static final String PATH = "/api/openapi.json";

  /** What a route takes as its request body. */
  public enum Body {
    /** No body. */
    NONE,
    /** A JSON object. */
    JSON,
    /** A JSON object or form fields. */
    JSON_OR_FORM,
    /** A JSON rule, or YAML with {@code Content-Type: application/yaml}. */
    JSON_OR_YAML,
    /** Events: JSON (one object, an array, or newline-delimited) or raw text lines. */
    EVENTS,
    /** An OTLP ExportLogsServiceRequest: binary protobuf or OTLP/JSON. */
    OTLP
  }

  /**
   * A query parameter.
   *
   * @param name its name
   * @param type the OpenAPI type: {@code string}, {@code integer}, {@code boolean}
   * @param required whether it must be given
   * @param description what it does
   */
  public record Param(String name, String type, boolean required, String description) {}

  /**
   * One route.
   *
   * @param method the HTTP method, or {@code WS} for a WebSocket
   * @param path the path as registered, with its {@code {parameters}}
   * @param tag the group it belongs to
   * @param role the least role it needs
   * @param summary one line on what it does
   * @param body what it takes as its body
   * @param status its answer when it works (a placeholder's is 501)
   * @param query its query parameters
   */
  public record Op(String method, String path, String tag, Role role, String summary, Body body, int status,
      List<Param> query) {
    Op with(Body b) {
      return new Op(method, path, tag, role, summary, b, status, query);
    }

    Op status(int s) {
      return new Op(method, path, tag, role, summary, body, s, query);
    }

    Op params(Param... q) {
      return new Op(method, path, tag, role, summary, body, status, List.of(q));
    }
  }

  private static final Param LIMIT = q("limit", "integer", "page size, 1-1000 (default 100)");
  private static final Param BEFORE = q("before", "integer", "the next_before of the previous page");
  private static final Param FROM = q("from", "string", "ISO-8601 time, a date, or epoch milliseconds");
  private static final Param TO = q("to", "string", "ISO-8601 time, a date, or epoch milliseconds");
  private static final Param Q = q("q", "string", "a search query (Lucene syntax; empty: every event)");
  private static final Param[] HEC = {q("host", "string", "default host"), q("source", "string", "default source"),
      q("sourcetype", "string", "default sourcetype"), q("index", "string", "default index")};

  /** The blocklist feed: no login, but the feed token (security scheme {@code feedToken}). */
  static final String FEED = "/api/blocklist.txt";

  /** Every route: the table the document is built from. */
  public static final List<Op> OPS = List.of(
      op("GET", "/health", "status", Role.PUBLIC, "Health of ingestion, detection, store, index and audit"),
      op("GET", PATH, "meta", Role.PUBLIC, "This OpenAPI document"),
      op("GET", "/", "dashboard", Role.PUBLIC, "The dashboard page (HTML; holds no data, calls the API with a token)"),
      op("GET", "/ui/{file}", "dashboard", Role.PUBLIC, "The dashboard's scripts, styles and images"),
      op("POST", "/api/auth/token", "auth", Role.PUBLIC, "Log in: username and password give an access token")
          .with(Body.JSON_OR_FORM),
      op("GET", "/api/auth/me", "auth", Role.VIEWER, "The caller: username, role, kind"),
      op("GET", "/api/users", "users", Role.ADMIN, "List accounts"),
      op("POST", "/api/users", "users", Role.ADMIN, "Create an account (username, password, role)").with(Body.JSON)
          .status(201),
      op("GET", "/api/users/{username}", "users", Role.ADMIN, "One account"),
      op("PUT", "/api/users/{username}", "users", Role.ADMIN, "Set an account's role and/or disabled").with(Body.JSON),
      op("DELETE", "/api/users/{username}", "users", Role.ADMIN, "Delete an account").status(204),
      op("POST", "/api/users/{username}/password", "users", Role.VIEWER,
          "Change a password (your own, with old_password; anyone's as admin)").with(Body.JSON).status(204),
      op("GET", "/api/ingest-tokens", "users", Role.ADMIN, "List the stored ingest tokens (never the tokens)"),
      op("POST", "/api/ingest-tokens", "users", Role.ADMIN, "Create an ingest token (name); the token is in the "
          + "answer, once").with(Body.JSON).status(201),
      op("DELETE", "/api/ingest-tokens/{name}", "users", Role.ADMIN, "Revoke a stored ingest token"),
      op("POST", "/api/webhook/{source}", "ingest", Role.INGEST, "Send events from a named source").with(Body.EVENTS),
      op("POST", "/api/ingest", "ingest", Role.INGEST, "Send events").with(Body.EVENTS),
      op("POST", "/services/collector", "hec", Role.INGEST, "Splunk HEC: events").with(Body.EVENTS).params(HEC),
      op("POST", "/services/collector/event", "hec", Role.INGEST, "Splunk HEC: events").with(Body.EVENTS).params(HEC),
      op("POST", "/services/collector/event/1.0", "hec", Role.INGEST, "Splunk HEC: events").with(Body.EVENTS)
          .params(HEC),
      op("POST", "/services/collector/raw", "hec", Role.INGEST, "Splunk HEC: raw lines").with(Body.EVENTS).params(HEC),
      op("POST", "/services/collector/raw/1.0", "hec", Role.INGEST, "Splunk HEC: raw lines").with(Body.EVENTS)
          .params(HEC),
      op("POST", "/v1/logs", "otlp", Role.INGEST, "OpenTelemetry logs over OTLP/HTTP (ExportLogsServiceRequest, "
          + "protobuf or JSON, optionally gzip)").with(Body.OTLP),
      op("GET", "/services/collector/health", "hec", Role.PUBLIC, "Splunk HEC health check"),
      op("POST", "/services/collector/health", "hec", Role.PUBLIC, "Splunk HEC health check"),
      op("GET", "/services/collector/health/1.0", "hec", Role.PUBLIC, "Splunk HEC health check"),
      op("POST", "/services/collector/health/1.0", "hec", Role.PUBLIC, "Splunk HEC health check"),
      op("GET", "/metrics", "status", Role.VIEWER, "Prometheus metrics (text)"),
      op("GET", "/api/stats", "status", Role.VIEWER, "Totals, ingest counters and queue depth"),
      op("GET", "/api/sources", "sources", Role.VIEWER, "Per-source counters"),
      op("GET", "/api/sources/file", "sources", Role.VIEWER, "Tailed files"),
      op("POST", "/api/sources/file/add", "sources", Role.ADMIN, "Tail a file ({\"filepath\": ...})").with(Body.JSON),
      op("POST", "/api/sources/file/remove", "sources", Role.ADMIN, "Stop tailing a file ({\"filepath\": ...})")
          .with(Body.JSON),
      op("DELETE", "/api/sources/file", "sources", Role.ADMIN, "Stop tailing a file")
          .params(q("filepath", "string", "the file")),
      op("GET", "/api/alerts", "alerts", Role.VIEWER, "Stored alerts, newest first").params(LIMIT,
          q("severity", "string", "comma-separated: informational, low, medium, high, critical"),
          q("status", "string", "open, acknowledged or resolved"), q("rule", "string", "a rule id"), FROM, TO, BEFORE),
      op("GET", "/api/alerts/{alert_id}", "alerts", Role.VIEWER, "One alert"),
      op("POST", "/api/alerts/{alert_id}/acknowledge", "alerts", Role.ANALYST, "Acknowledge an open alert"),
      op("POST", "/api/alerts/{alert_id}/resolve", "alerts", Role.ANALYST, "Resolve an alert"),
      op("GET", "/api/rules", "rules", Role.VIEWER, "Every rule in force"),
      op("GET", "/api/rules/{rule_id}", "rules", Role.VIEWER, "One rule with its source"),
      op("POST", "/api/rules", "rules", Role.ADMIN, "Create a rule").with(Body.JSON_OR_YAML).status(201),
      op("PUT", "/api/rules/{rule_id}", "rules", Role.ADMIN, "Replace a rule (or override a built-in or file rule)")
          .with(Body.JSON_OR_YAML),
      op("DELETE", "/api/rules/{rule_id}", "rules", Role.ADMIN, "Delete an API rule").status(204),
      op("POST", "/api/rules/{rule_id}/toggle", "rules", Role.ADMIN, "Enable or disable a rule"),
      op("GET", "/api/rules/{rule_id}/history", "rules", Role.VIEWER, "Every version of a rule"),
      op("POST", "/api/rules/test", "rules", Role.ANALYST, "Run a rule over sample lines and events").with(Body.JSON),
      op("GET", "/api/events/search", "events", Role.VIEWER, "Search stored events, newest first").params(Q, FROM, TO,
          q("limit", "integer", "page size, 1-1000"), q("cursor", "string", "the next_cursor of the previous page")),
      op("GET", "/api/events/histogram", "events", Role.VIEWER, "Event counts per interval").params(Q, FROM, TO,
          q("interval", "string", "30s, 5m, 1h, 1d (default: about 120 buckets)")),
      op("GET", "/api/events/{event_id}", "events", Role.VIEWER, "One stored event"),
      op("GET", "/api/detect", "detect", Role.ANALYST, "Run the rules over stored events, raising nothing").params(
          new Param("from", "string", true, "start of the range"), new Param("to", "string", true, "end of the range"),
          q("rule", "string", "one rule (default: every enabled rule)"), Q),
      op("GET", "/api/audit", "audit", Role.ADMIN, "Audit entries, newest first").params(
          q("actor", "string", "who"), q("action", "string", "exact, or a prefix ending in *"),
          q("outcome", "string", "exact, or 4xx"), FROM, TO, LIMIT, BEFORE),
      op("GET", "/api/intel/ip/{ip}", "intel", Role.ANALYST, "Local indicator matches and AbuseIPDB/OTX reputation of "
          + "one address (may spend remote look-ups; audited)"),
      op("GET", "/api/intel/sources", "intel", Role.VIEWER, "Indicator files: entries, last reload, errors; remote "
          + "services"),
      op("WS", "/ws/events", "live", Role.VIEWER, "Live feed: alerts, alert enrichment, incident changes, stats and sampled events; "
          + "the token comes as the subprotocols [\"phosor\", \"<token>\"]"),
      op("GET", "/api/live/clients", "live", Role.ADMIN, "Connected live-feed clients"),
      op("GET", "/api/incidents", "incidents", Role.VIEWER, "Incidents, newest first").params(LIMIT,
          q("status", "string", "open, acknowledged or resolved"),
          q("severity", "string", "this severity or higher: informational, low, medium, high, critical"),
          q("assignee", "string", "a user name"), q("entity_type", "string", "ip, user, host or rule"),
          q("entity", "string", "the entity's value, e.g. 203.0.113.7"), BEFORE),
      op("GET", "/api/incidents/{incident_id}", "incidents", Role.VIEWER,
          "One incident with its alerts, timeline and actions"),
      op("PATCH", "/api/incidents/{incident_id}", "incidents", Role.ANALYST,
          "Change an incident's status, assignee (null: unassign) and/or add a note").with(Body.JSON),
      op("POST", "/api/incidents/{incident_id}/notes", "incidents", Role.ANALYST, "Add a note ({\"text\": ...})")
          .with(Body.JSON).status(201),
      // Response, playbooks and the blocklist (io.phosor.respond).
      op("POST", "/api/respond", "response", Role.ANALYST, "Run one response action now (block_ip, disable_account, "
          + "alert, log); answers the recorded action").with(Body.JSON),
      op("POST", "/api/detect-and-respond", "response", Role.ANALYST, "Run the rules over stored events (like GET "
          + "/api/detect), store what fires as alerts; incidents and playbooks follow").params(
          new Param("from", "string", true, "start of the range"), new Param("to", "string", true, "end of the range"),
          q("rule", "string", "one rule (default: every enabled rule)"), Q),
      op("GET", "/api/actions", "response", Role.VIEWER, "Response actions, newest first").params(LIMIT,
          q("type", "string", "block_ip, disable_account, alert or log"),
          q("status", "string", "pending, running, succeeded, failed, dry_run or refused"),
          q("incident_id", "integer", "one incident's actions"), BEFORE),
      op("GET", "/api/playbooks", "playbooks", Role.VIEWER, "Every playbook"),
      op("GET", "/api/playbooks/{playbook_id}", "playbooks", Role.VIEWER, "One playbook"),
      op("POST", "/api/playbooks", "playbooks", Role.ADMIN, "Create a playbook (validated; 400 lists the problems)")
          .with(Body.JSON_OR_YAML).status(201),
      op("PUT", "/api/playbooks/{playbook_id}", "playbooks", Role.ADMIN, "Replace (or create) a playbook")
          .with(Body.JSON_OR_YAML),
      op("DELETE", "/api/playbooks/{playbook_id}", "playbooks", Role.ADMIN, "Delete a playbook").status(204),
      op("GET", "/api/blocklist", "blocklist", Role.VIEWER, "Blocked addresses with reason, incident, who and expiry")
          .params(LIMIT, q("all", "boolean", "true: also expired and removed entries")),
      op("POST", "/api/blocklist", "blocklist", Role.ANALYST, "Block an address ({ip, duration_seconds, reason})")
          .with(Body.JSON),
      op("DELETE", "/api/blocklist/{ip}", "blocklist", Role.ANALYST, "Unblock an address"),
      op("GET", FEED, "blocklist", Role.PUBLIC, "The firewall feed: active addresses, one per line (text/plain); "
          + "needs the read-only feed token, not a login").params(q("token", "string",
          "the feed token, for firewalls that cannot send 'Authorization: Bearer <token>'")),
      // Forwarding to other tools (io.phosor.forward).
      op("GET", "/api/forwarders", "forwarding", Role.ADMIN, "Forwarding destinations (Splunk HEC, syslog/CEF, "
          + "OpenSearch): target, what they get, state, problem, cursors, lag and counts sent, failed, retried, dropped"),
      op("POST", "/api/rules/import", "rules", Role.ADMIN,
          "Import Sigma rules (YAML, one or more documents); one report per document")
          .with(Body.JSON_OR_YAML).params(q("dry_run", "boolean", "report only, change nothing"),
              q("file", "string", "file name shown in the report")));

  private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");
  /** Path parameters that are numeric ids. */
  private static final Set<String> NUMERIC = Set.of("alert_id", "event_id", "incident_id");

  private OpenApi() {}

  /** Registers {@code GET /api/openapi.json}; the document is rendered once. */
  public static void register(Javalin app, ObjectMapper mapper) {
    String json;
    try {
      json = mapper.writeValueAsString(document());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render the OpenAPI document", e);
    }
    app.get(PATH, ctx -> ctx.contentType("application/json").result(json), Role.PUBLIC);
  }

  /** The OpenAPI 3.0.3 document as a JSON tree of maps and lists. */
  public static Map<String, Object> document() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.3");
    String version = OpenApi.class.getPackage().getImplementationVersion();
    doc.put("info", Map.of("title", "Phosor HTTP API", "version", version == null ? "dev" : version,
        "description", "See docs/api.md; who may call what: docs/security.md (x-phosor-role is the least role)."));
    Map<String, Object> paths = new LinkedHashMap<>();
    Map<String, Object> ws = new LinkedHashMap<>();
    Set<String> tags = new TreeSet<>();
    for (Op op : OPS) {
      tags.add(op.tag());
      if (op.method().equals("WS")) {
        ws.put(op.path(), Map.of("summary", op.summary(), "tags", List.of(op.tag()), "x-phosor-role", op.role().id()));
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(op.path(), p -> new LinkedHashMap<>());
      item.put(op.method().toLowerCase(java.util.Locale.ROOT), operation(op));
    }
    doc.put("tags", tags.stream().map(t -> Map.of("name", t)).toList());
    doc.put("paths", paths);
    doc.put("x-websocket", ws);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "object");
    error.put("required", List.of("status", "error", "message"));
    error.put("properties", Map.of("status", Map.of("type", "integer"), "error", Map.of("type", "string"),
        "message", Map.of("type", "string")));
    doc.put("components", Map.of(
        "securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer",
            "description", "an access token (POST /api/auth/token), the ingest token or the API token"),
            "feedToken", Map.of("type", "http", "scheme", "bearer", "description", "the read-only blocklist feed "
                + "token (PHOSOR_BLOCKLIST_FEED_TOKEN or data/secrets/blocklist-feed.token); only for " + FEED),
            "feedTokenQuery", Map.of("type", "apiKey", "in", "query", "name", "token", "description",
                "the blocklist feed token as ?token=, for firewalls that cannot send headers")),
        "schemas", Map.of("Error", error)));
    doc.put("security", List.of(Map.of("bearer", List.of())));
    return doc;
  }

  private static Map<String, Object> operation(Op op) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("tags", List.of(op.tag()));
    o.put("summary", op.summary());
    o.put("operationId", operationId(op));
    List<Object> params = new ArrayList<>();
    Matcher m = PATH_PARAM.matcher(op.path());
    while (m.find()) {
      params.add(param(m.group(1), "path", NUMERIC.contains(m.group(1)) ? "integer" : "string", true, null));
    }
    for (Param p : op.query()) {
      params.add(param(p.name(), "query", p.type(), p.required(), p.description()));
    }
    if (!params.isEmpty()) {
      o.put("parameters", params);
    }
    if (op.body() != Body.NONE) {
      o.put("requestBody", body(op.body()));
    }
    Map<String, Object> responses = new LinkedHashMap<>();
    Map<String, Object> error = Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/Error")));
    if (op.status() == 501) {
      responses.put("501", Map.of("description", "not implemented yet", "content", error));
    } else if (op.status() == 204) {
      responses.put("204", Map.of("description", "done"));
    } else {
      String type = op.path().equals("/metrics") || op.path().equals(FEED) ? "text/plain"
          : op.tag().equals("dashboard") ? "text/html" : "application/json";
      responses.put(Integer.toString(op.status()), Map.of("description", "ok",
          "content", Map.of(type, Map.of("schema", Map.of("type", "object")))));
    }
    responses.put("default", Map.of("description", "an error: 400, 401, 403, 404, 409, 413, 429, 503, ...",
        "content", error));
    o.put("responses", responses);
    if (op.path().equals(FEED)) {
      o.put("security", List.of(Map.of("feedToken", List.of()), Map.of("feedTokenQuery", List.of())));
    } else if (op.role() == Role.PUBLIC) {
      o.put("security", List.of());
    }
    o.put("x-phosor-role", op.role().id());
    return o;
  }

  private static Map<String, Object> param(String name, String in, String type, boolean required, String description) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("in", in);
    p.put("required", required);
    if (description != null) {
      p.put("description", description);
    }
    p.put("schema", Map.of("type", type));
    return p;
  }

  private static Map<String, Object> body(Body kind) {
    Map<String, Object> object = Map.of("schema", Map.of("type", "object"));
    Map<String, Object> text = Map.of("schema", Map.of("type", "string"));
    Map<String, Object> content = switch (kind) {
      case JSON -> Map.of("application/json", object);
      case JSON_OR_FORM -> Map.of("application/json", object, "application/x-www-form-urlencoded", object);
      case JSON_OR_YAML -> Map.of("application/json", object, "application/yaml", text);
      case EVENTS -> Map.of("application/json", Map.of("schema", Map.of()), "text/plain", text);
      case OTLP -> Map.of("application/x-protobuf", Map.of("schema", Map.of("type", "string", "format", "binary")),
          "application/json", object);
      case NONE -> Map.of();
    };
    return Map.of("required", true, "content", content);
  }

  private static String operationId(Op op) {
    StringBuilder b = new StringBuilder(op.method().toLowerCase(java.util.Locale.ROOT));
    for (String part : op.path().split("[/.{}_-]+")) {
      if (!part.isEmpty()) {
        b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return b.toString();
  }

  private static Param q(String name, String type, String description) {
    return new Param(name, type, false, description);
  }

  private static Op op(String method, String path, String tag, Role role, String summary) {
    return new Op(method, path, tag, role, summary, Body.NONE, 200, List.of());
  }
}
