package io.phosor.respond;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.alert.AlertRoutes;
import io.phosor.alert.AlertService;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.api.Params;
import io.phosor.audit.Audit;
import io.phosor.auth.Role;
import io.phosor.detect.Alert;
import io.phosor.detect.BackfillRoutes;
import io.phosor.incident.IncidentService;
import io.phosor.store.ActionStatus;
import io.phosor.store.BlockEntry;
import io.phosor.store.Store;
import io.phosor.store.StoreNotFoundException;
import io.phosor.store.StoredAction;
import io.phosor.store.StoredAlert;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The response routes: {@code /api/playbooks} (list, one, create, replace, delete), {@code POST /api/respond} (one
 * action now), {@code GET /api/actions}, {@code POST /api/detect-and-respond}, {@code /api/blocklist} (list, add,
 * remove) and the firewall feed {@code GET /api/blocklist.txt} (no login: the read-only feed token instead).
 */
final class ResponseRoutes {
  static final String FEED_PATH = "/api/blocklist.txt";
  private static final Set<String> RESPOND_FIELDS = Set.of("action", "target", "incident_id", "parameters", "dry_run");
  private static final Set<String> BLOCK_FIELDS = Set.of("ip", "duration_seconds", "reason");
  private static final int DEFAULT_LIMIT = 100;
  /** Alerts stored per batch by detect-and-respond (the store takes at most 10,000 at once). */
  private static final int STORE_BATCH = 1000;
  /** How long detect-and-respond waits for the incident worker before answering without the incidents. */
  private static final java.time.Duration GROUPING_WAIT = java.time.Duration.ofSeconds(10);

  private final ObjectMapper mapper;
  private final Playbooks playbooks;
  private final ResponseEngine engine;
  private final BlockService blocks;
  private final AlertService alerts;
  private final Audit audit;
  private final byte[] feedTokenHash;
  private final Counter feedDenied;
  private final Counter feedServed;
  private final IncidentService incidents;
  private final Store store;

  ResponseRoutes(ObjectMapper mapper, Playbooks playbooks, ResponseEngine engine, BlockService blocks,
      AlertService alerts, Audit audit, String feedToken, MeterRegistry registry, IncidentService incidents,
      Store store) {
    this.mapper = mapper;
    this.incidents = incidents;
    this.store = store;
    this.playbooks = playbooks;
    this.engine = engine;
    this.blocks = blocks;
    this.alerts = alerts;
    this.audit = audit;
    this.feedTokenHash = sha256(feedToken);
    this.feedDenied = Counter.builder("phosor.blocklist.feed.denied").description("Blocklist feed requests refused "
        + "(missing or wrong feed token)").register(registry);
    this.feedServed = Counter.builder("phosor.blocklist.feed.served").description("Blocklist feed requests served")
        .register(registry);
  }

  /** Registers the routes; {@code backfill} is null when event search is off (detect-and-respond then answers 503). */
  void register(Javalin app, BackfillRoutes backfill) {
    app.get("/api/playbooks", ctx -> ctx.json(Map.of("playbooks", playbooks.all().stream().map(Playbook::toMap)
        .toList())), Role.VIEWER);
    app.get("/api/playbooks/{playbook_id}", ctx -> ctx.json(playbook(ctx.pathParam("playbook_id")).toMap()),
        Role.VIEWER);
    app.post("/api/playbooks", this::createPlaybook, Role.ADMIN);
    app.put("/api/playbooks/{playbook_id}", this::replacePlaybook, Role.ADMIN);
    app.delete("/api/playbooks/{playbook_id}", this::deletePlaybook, Role.ADMIN);
    app.post("/api/respond", this::respond, Role.ANALYST);
    app.get("/api/actions", this::actions, Role.VIEWER);
    app.post("/api/detect-and-respond", ctx -> detectAndRespond(ctx, backfill), Role.ANALYST);
    app.get("/api/blocklist", this::listBlocks, Role.VIEWER);
    app.post("/api/blocklist", this::addBlock, Role.ANALYST);
    app.delete("/api/blocklist/{ip}", this::removeBlock, Role.ANALYST);
    // public in the authentication sense (firewalls have no login), checked against the feed token below
    app.get(FEED_PATH, this::feed, Role.PUBLIC);
  }

  // ---------------------------------------------------------------- playbooks

  private Playbook playbook(String id) {
    return playbooks.get(id).orElseThrow(() -> new StoreNotFoundException("no playbook '" + Params.abbreviate(id)
        + "'"));
  }

  private Playbook readPlaybook(Context ctx, String pathId) {
    try {
      Object tree = PlaybookParser.tree(ctx.body());
      if (pathId != null && tree instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<Object, Object> mm = (Map<Object, Object>) m;
        Object id = mm.get("id");
        if (id == null) {
          mm.put("id", pathId);
        } else if (!pathId.equals(id)) {
          throw new PlaybookException(List.of("playbook '" + id + "': id differs from the path ('"
              + Params.abbreviate(pathId) + "'); a playbook cannot be renamed, create the new one and delete the old"));
        }
      }
      return PlaybookParser.fromTree(tree);
    } catch (PlaybookException e) {
      throw new InvalidPlaybook(e);
    }
  }

  /** A 400 carrying every problem. */
  static final class InvalidPlaybook extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<String> problems;

    InvalidPlaybook(PlaybookException e) {
      super(e.getMessage());
      this.problems = e.problems();
    }
  }

  static void registerErrors(Javalin app) {
    app.exception(InvalidPlaybook.class, (e, ctx) -> HttpApi.error(ctx, 400, "invalid_playbook", e.getMessage(),
        Map.of("problems", e.problems)));
  }

  private void createPlaybook(Context ctx) {
    Playbook p = readPlaybook(ctx, null);
    if (playbooks.get(p.id()).isPresent()) {
      throw new ApiException(409, "conflict", "playbook '" + p.id() + "' exists; replace it with PUT /api/playbooks/"
          + p.id());
    }
    playbooks.put(p);
    audit.record(HttpApi.actor(ctx), role(ctx), ctx.ip(), "playbook.create", p.id(), "success",
        Map.of("enabled", p.enabled(), "dry_run", p.dryRun()));
    ctx.status(201).json(p.toMap());
  }

  private void replacePlaybook(Context ctx) {
    String id = ctx.pathParam("playbook_id");
    if (!PlaybookParser.ID.matcher(id).matches()) {
      throw ApiException.badRequest("playbook id must be 1-64 of a-z, 0-9, '-' and '_'");
    }
    Playbook p = readPlaybook(ctx, id);
    boolean added = playbooks.put(p);
    audit.record(HttpApi.actor(ctx), role(ctx), ctx.ip(), added ? "playbook.create" : "playbook.update", p.id(),
        "success", Map.of("enabled", p.enabled(), "dry_run", p.dryRun()));
    ctx.status(added ? 201 : 200).json(p.toMap());
  }

  private void deletePlaybook(Context ctx) {
    String id = ctx.pathParam("playbook_id");
    if (!playbooks.delete(id)) {
      throw new StoreNotFoundException("no playbook '" + Params.abbreviate(id) + "'");
    }
    audit.record(HttpApi.actor(ctx), role(ctx), ctx.ip(), "playbook.delete", id, "success", null);
    ctx.status(204);
  }

  // ---------------------------------------------------------------- actions

  private void respond(Context ctx) {
    Map<String, Object> body = jsonObject(ctx, RESPOND_FIELDS);
    Object action = body.get("action");
    Object target = body.get("target");
    Object incident = body.get("incident_id");
    Object params = body.getOrDefault("parameters", Map.of());
    Object dry = body.getOrDefault("dry_run", false);
    if (!(action instanceof String)) {
      throw ApiException.badRequest("action is required: block_ip, disable_account, alert or log");
    }
    if (target != null && !(target instanceof String)) {
      throw ApiException.badRequest("target must be a string (an address, a user name or a channel)");
    }
    if (incident != null && !(incident instanceof Number n && n.longValue() > 0 && n.doubleValue() == n.longValue())) {
      throw ApiException.badRequest("incident_id must be a positive whole number");
    }
    if (!(params instanceof Map<?, ?>)) {
      throw ApiException.badRequest("parameters must be an object");
    }
    if (!(dry instanceof Boolean)) {
      throw ApiException.badRequest("dry_run must be true or false");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) params;
    StoredAction a = engine.runManual((String) action, (String) target, incident == null ? null
        : ((Number) incident).longValue(), p, (Boolean) dry, HttpApi.actor(ctx));
    ctx.json(toJson(a));
  }

  private void actions(Context ctx) {
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, 1000);
    String type = ctx.queryParam("type");
    if (type != null && !type.isBlank() && !io.phosor.config.ResponseConfig.ACTION_TYPES.contains(type.trim())) {
      throw ApiException.badRequest("type must be alert, block_ip, disable_account or log, was '"
          + Params.abbreviate(type) + "'");
    }
    String st = ctx.queryParam("status");
    ActionStatus status = st == null || st.isBlank() ? null : ActionStatus.parse(st.trim());
    if (st != null && !st.isBlank() && status == null) {
      throw ApiException.badRequest("status must be pending, running, succeeded, failed, dry_run or refused, was '"
          + Params.abbreviate(st) + "'");
    }
    List<StoredAction> page = engine.store().actions().list(limit, type == null || type.isBlank() ? null : type.trim(),
        status, Params.longParam(ctx, "incident_id"), Params.longParam(ctx, "before"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("actions", page.stream().map(ResponseRoutes::toJson).toList());
    out.put("next_before", page.size() == limit ? page.get(page.size() - 1).id() : null);
    ctx.json(out);
  }

  static Map<String, Object> toJson(StoredAction a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("type", a.type());
    m.put("status", a.status().label());
    m.put("trigger", a.trigger());
    m.put("parameters", ResponseEngine.params(a));
    m.put("incident_id", a.incidentId());
    m.put("alert_id", a.alertId());
    m.put("outcome", a.outcome());
    m.put("attempts", a.attempts());
    m.put("dedup_key", a.dedupKey());
    m.put("created_at", str(a.createdAt()));
    m.put("started_at", str(a.startedAt()));
    m.put("finished_at", str(a.finishedAt()));
    m.put("next_attempt_at", str(a.nextAttemptAt()));
    return m;
  }

  private void detectAndRespond(Context ctx, BackfillRoutes backfill) {
    if (backfill == null) {
      throw new ApiException(503, "search_disabled", "event search is turned off (PHOSOR_SEARCH_ENABLED=false), so "
          + "there are no stored events to detect over");
    }
    BackfillRoutes.Result r = backfill.run(ctx);
    List<StoredAlert> fresh = new ArrayList<>();
    List<Alert> found = r.alerts();
    for (int i = 0; i < found.size(); i += STORE_BATCH) {
      fresh.addAll(alerts.store(found.subList(i, Math.min(found.size(), i + STORE_BATCH))));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", r.from().toString());
    body.put("to", r.to().toString());
    body.put("rules", r.rules());
    body.put("events_scanned", r.eventsScanned());
    body.put("alerts_found", found.size());
    body.put("alerts_new", fresh.size());
    body.put("alerts", fresh.stream().map(AlertRoutes::toJson).toList());
    // The new alerts go through incident grouping and the playbooks like live ones; wait (briefly) for the
    // grouping so the answer can name the incidents, then list the actions queued for them so far.
    boolean grouped = fresh.isEmpty();
    if (!fresh.isEmpty()) {
      long last = fresh.stream().mapToLong(StoredAlert::id).max().orElseThrow();
      try {
        grouped = incidents.awaitProcessed(last, GROUPING_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Long> incidentIds = fresh.isEmpty() ? List.of()
        : store.incidents().incidentIdsOf(fresh.stream().map(StoredAlert::id).toList());
    body.put("grouped", grouped);
    body.put("incident_ids", incidentIds);
    List<Map<String, Object>> queued = new ArrayList<>();
    for (Long id : incidentIds.subList(0, Math.min(incidentIds.size(), 100))) {
      store.actions().forIncident(id).forEach(a -> queued.add(toJson(a)));
    }
    body.put("actions", queued);
    body.put("response", grouped ? "actions run in the background: follow them in GET /api/actions and the incidents"
        : "incident grouping is still running; follow it in GET /api/incidents and GET /api/actions");
    ctx.json(body);
  }

  // ---------------------------------------------------------------- blocklist

  private void listBlocks(Context ctx) {
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, 1000);
    boolean all = "true".equalsIgnoreCase(ctx.queryParam("all"));
    List<Map<String, Object>> out = blocks.blocklist().list(limit, all).stream().map(ResponseRoutes::toJson).toList();
    ctx.json(Map.of("entries", out));
  }

  static Map<String, Object> toJson(BlockEntry b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", b.id());
    m.put("address", b.address());
    m.put("reason", b.reason());
    m.put("incident_id", b.incidentId());
    m.put("added_by", b.addedBy());
    m.put("created_at", str(b.createdAt()));
    m.put("expires_at", str(b.expiresAt()));
    m.put("removed_at", str(b.removedAt()));
    m.put("removed_by", b.removedBy());
    return m;
  }

  private void addBlock(Context ctx) {
    Map<String, Object> body = jsonObject(ctx, BLOCK_FIELDS);
    if (!(body.get("ip") instanceof String ip)) {
      throw ApiException.badRequest("ip is required (an IPv4 or IPv6 address)");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    if (body.get("duration_seconds") != null) {
      params.put("duration_seconds", body.get("duration_seconds"));
    }
    if (body.get("reason") != null) {
      if (!(body.get("reason") instanceof String reason) || reason.length() > 1000) {
        throw ApiException.badRequest("reason must be a string of at most 1000 characters");
      }
      params.put("reason", reason);
    }
    StoredAction a = engine.runManual("block_ip", ip, null, params, false, HttpApi.actor(ctx));
    if (a.status() == ActionStatus.REFUSED) {
      HttpApi.error(ctx, 422, "refused", "not blocked: " + a.outcome(), Map.of("action", toJson(a)));
      return;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("action", toJson(a));
    out.put("entry", blocks.blocklist().active(IpAddresses.normalize(ip)).map(ResponseRoutes::toJson).orElse(null));
    ctx.json(out);
  }

  private void removeBlock(Context ctx) {
    String ip = ctx.pathParam("ip");
    if (IpAddresses.normalize(ip) == null) {
      throw new StoreNotFoundException("'" + Params.abbreviate(ip) + "' is not an IP address on the blocklist");
    }
    BlockEntry removed = blocks.unblock(ip, HttpApi.actor(ctx)).orElseThrow(() -> new StoreNotFoundException(
        IpAddresses.normalize(ip) + " is not blocked"));
    ctx.json(toJson(removed));
  }

  /** The firewall feed: one address per line, active entries only; 401 without the right feed token. */
  private void feed(Context ctx) {
    String token = HttpApi.bearer(ctx.header("Authorization"));
    if (token == null) {
      token = ctx.queryParam("token");
    }
    if (token == null || !MessageDigest.isEqual(sha256(token), feedTokenHash)) {
      feedDenied.increment();
      // a security event like any rejected token (never the token itself)
      audit.record("anonymous", null, ctx.ip(), "token.rejected", "GET " + FEED_PATH, "denied",
          Map.of("reason", token == null ? "no blocklist feed token" : "wrong blocklist feed token"));
      ctx.header("WWW-Authenticate", "Bearer realm=\"phosor-blocklist\"");
      HttpApi.error(ctx, 401, "unauthorized", token == null ? "the blocklist feed needs its token: 'Authorization: "
          + "Bearer <token>' or ?token=<token> (data/secrets/blocklist-feed.token or PHOSOR_BLOCKLIST_FEED_TOKEN)"
          : "wrong blocklist feed token");
      return;
    }
    feedServed.increment();
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/plain; charset=utf-8").result(blocks.feed());
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, Object> jsonObject(Context ctx, Set<String> known) {
    Map<String, Object> body;
    try {
      body = mapper.readValue(ctx.body(), new TypeReference<Map<String, Object>>() { });
    } catch (java.io.IOException | RuntimeException e) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    if (body == null) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    for (String k : body.keySet()) {
      if (!known.contains(k)) {
        throw ApiException.badRequest("unknown field '" + Params.abbreviate(k) + "' (known: "
            + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
    return body;
  }

  private static String role(Context ctx) {
    Role r = ctx.attribute(HttpApi.ROLE_ATTR);
    return r == null ? null : r.id();
  }

  private static String str(java.time.Instant t) {
    return t == null ? null : t.toString();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
