package io.phosor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.phosor.auth.Role;
import io.phosor.ingest.file.FileAccessException;
import io.phosor.health.Health;
import io.phosor.ingest.file.FileTailer;
import io.phosor.ingest.file.TailedFile;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.ratelimit.SourceReputation;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Health, metrics, stats and sources: {@code /health} (no auth), {@code /metrics} (Prometheus text),
 * {@code /api/stats}, {@code /api/sources}, and the file sources {@code /api/sources/file/...}.
 */
public final class StatusRoutes {
  /** A source counts as active when it sent something within this window. */
  static final Duration ACTIVE_WINDOW = Duration.ofMinutes(5);
  /** Longest file path accepted in a request (Linux PATH_MAX). */
  static final int MAX_PATH_CHARS = 4096;

  private final ObjectMapper mapper;
  private final SourceStats stats;
  private final Pipeline pipeline;
  private final ReputationLimiter limiter;
  private final FileTailer files;
  private final PrometheusMeterRegistry prometheus;
  private final Clock clock;
  private final Instant started;
  private final java.util.function.LongSupplier journalSeq;
  private final Health health;
  private final Map<String, java.util.function.Supplier<Object>> extraStats = new LinkedHashMap<>();

  /** Creates the routes. */
  public StatusRoutes(ObjectMapper mapper, SourceStats stats, Pipeline pipeline, ReputationLimiter limiter,
      FileTailer files, PrometheusMeterRegistry prometheus, Clock clock, java.util.function.LongSupplier journalSeq,
      Health health) {
    this.health = health;
    this.mapper = mapper;
    this.stats = stats;
    this.pipeline = pipeline;
    this.limiter = limiter;
    this.files = files;
    this.prometheus = prometheus;
    this.clock = clock;
    this.started = clock.instant();
    this.journalSeq = journalSeq;
  }

  /** Registers the routes. */
  public void register(Javalin app) {
    app.get("/health", this::health, Role.PUBLIC);
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(prometheus.scrape()), Role.VIEWER);
    app.get("/api/stats", this::stats, Role.VIEWER);
    app.get("/api/sources", this::sources, Role.VIEWER);
    app.get("/api/sources/file", ctx -> ctx.json(files.list()), Role.VIEWER);
    app.post("/api/sources/file/add", this::addFile, Role.ADMIN);
    app.post("/api/sources/file/remove", this::removeFile, Role.ADMIN);
    app.delete("/api/sources/file", this::removeFile, Role.ADMIN);
  }

  /** Adds a figure to {@code /api/stats} (e.g. total_alerts from the store); {@code value} is read per request. */
  public StatusRoutes stat(String name, java.util.function.Supplier<Object> value) {
    extraStats.put(name, value);
    return this;
  }

  private long uptimeSeconds() {
    return Duration.between(started, clock.instant()).toSeconds();
  }

  /**
   * {@code /health}: 200 while events are accepted (status ok or degraded, with each part's reason), 503 when
   * ingestion cannot take events (stopping, or paused because the journal cannot be written).
   */
  private void health(Context ctx) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Health.Check> parts = health.snapshot();
    Health.Status overall = Health.overall(parts);
    boolean stopping = !pipeline.accepting();
    m.put("status", stopping ? "stopping" : overall.label());
    m.put("uptime_seconds", uptimeSeconds());
    Map<String, Object> comps = new LinkedHashMap<>();
    parts.forEach((name, c) -> {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("status", c.status().label());
      if (c.reason() != null) {
        one.put("reason", c.reason());
      }
      comps.put(name, one);
    });
    m.put("components", comps);
    ctx.status(stopping || overall == Health.Status.DOWN ? 503 : 200).json(m);
  }

  private void stats(Context ctx) {
    ctx.json(figures());
  }

  /** The {@code /api/stats} figures (also sent on the live feed). */
  public Map<String, Object> figures() {
    long now = clock.millis();
    long received = 0;
    long failures = 0;
    long limited = 0;
    long dropped = 0;
    long busy = 0;
    long pii = 0;
    for (SourceCounters c : stats.all()) {
      received += c.receivedCount();
      failures += c.parseFailureCount();
      limited += c.rateLimitedCount();
      dropped += c.droppedCount();
      busy += c.refusedBusyCount();
      pii += c.piiCount();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total_events", journalSeq.getAsLong());
    m.put("events_since_start", stats.totalEvents());
    m.put("active_sources", stats.active(now, ACTIVE_WINDOW.toMillis()).size());
    m.put("uptime_seconds", uptimeSeconds());
    m.put("events_received", received);
    m.put("parse_failures", failures);
    m.put("rate_limited", limited);
    m.put("dropped", dropped);
    m.put("refused_busy", busy);
    m.put("pii_detections", pii);
    m.put("queue_depth", pipeline.depth());
    m.put("queue_capacity", pipeline.capacity());
    extraStats.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private void sources(Context ctx) {
    long now = clock.millis();
    List<Map<String, Object>> out = new ArrayList<>();
    List<SourceCounters> all = new ArrayList<>(stats.all());
    all.sort(Comparator.comparing(SourceCounters::id));
    for (SourceCounters c : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("kind", c.kind());
      m.put("active", c.lastSeen() != null && now - c.lastSeen().toEpochMilli() <= ACTIVE_WINDOW.toMillis());
      m.put("last_seen", c.lastSeen() == null ? null : c.lastSeen().toString());
      m.put("received", c.receivedCount());
      m.put("parsed", c.parsedCount());
      m.put("parse_failures", c.parseFailureCount());
      m.put("rate_limited", c.rateLimitedCount());
      m.put("dropped", c.droppedCount());
      m.put("refused_busy", c.refusedBusyCount());
      m.put("oversized", c.oversizedCount());
      m.put("pii_detections", c.piiCount());
      m.put("pii", c.piiByKind());
      SourceReputation r = limiter.reputation(rateKey(c));
      if (r != null) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("reputation", r.reputation());
        rep.put("allowed_per_second", r.allowedPerSecond());
        rep.put("violations", r.violations());
        rep.put("blocked_until", r.blockedUntil() == null ? null : r.blockedUntil().toString());
        m.put("rate_limit", rep);
        m.put("reputation", r.reputation());
      } else {
        m.put("reputation", 100);
      }
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sources", out);
    body.put("files", files.list());
    ctx.json(body);
  }

  /** The rate-limit key of a source: syslog is limited per sender address, HTTP per source id. */
  static String rateKey(SourceCounters c) {
    return c.kind().equals("syslog") && c.id().startsWith("syslog:") ? c.id().substring("syslog:".length()) : c.id();
  }

  private String filepath(Context ctx) {
    String p = ctx.queryParam("filepath");
    if (p == null) {
      JsonNode body;
      try {
        body = mapper.readTree(ctx.bodyAsBytes());
      } catch (java.io.IOException e) {
        throw ApiException.badRequest("body must be JSON like {\"filepath\": \"/var/log/auth.log\"}");
      }
      if (body == null || !body.isObject()) {
        throw ApiException.badRequest("body must be a JSON object like {\"filepath\": \"/var/log/auth.log\"}");
      }
      var it = body.fieldNames();
      while (it.hasNext()) {
        String f = it.next();
        if (!f.equals("filepath")) {
          throw ApiException.badRequest("unknown field '" + f + "'; only 'filepath' is accepted");
        }
      }
      JsonNode fp = body.get("filepath");
      if (fp == null || !fp.isTextual()) {
        throw ApiException.badRequest("'filepath' is required and must be a string");
      }
      p = fp.asText();
    }
    if (p.isEmpty() || p.length() > MAX_PATH_CHARS || p.indexOf('\0') >= 0) {
      throw ApiException.badRequest("'filepath' must be 1-" + MAX_PATH_CHARS + " characters without NUL");
    }
    return p;
  }

  private void addFile(Context ctx) {
    String p = filepath(ctx);
    try {
      TailedFile f = files.add(p);
      ctx.status(201).json(f);
    } catch (FileAccessException e) {
      throw new ApiException(e.status(), e.status() == 403 ? "forbidden" : e.status() == 404 ? "not_found"
          : "bad_request", e.getMessage());
    }
  }

  private void removeFile(Context ctx) {
    String p = filepath(ctx);
    if (!files.remove(p)) {
      throw new ApiException(404, "not_found", "'" + p + "' is not being tailed");
    }
    ctx.json(Map.of("status", "removed", "filepath", p));
  }
}
