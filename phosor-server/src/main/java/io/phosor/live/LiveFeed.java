package io.phosor.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsMessageContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.alert.AlertRoutes;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.audit.Audit;
import io.phosor.auth.AccessTokens;
import io.phosor.auth.Authenticator;
import io.phosor.auth.Principal;
import io.phosor.auth.Role;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.pipeline.EventSink;
import io.phosor.store.StoredAlert;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed, {@code /ws/events} (RFC 6455 WebSocket): newly stored alerts, incident changes, the stats
 * figures every few seconds and a sample of the journaled events, as JSON messages with a {@code type}.
 *
 * <p>Authentication happens before the upgrade with the API's tokens (users' JWTs, the API token): the token
 * comes as the second of the subprotocols {@code ["phosor", "<token>"]} (the server answers {@code phosor}), or
 * in a {@code token} query parameter, or an {@code Authorization: Bearer} header. Every user role may read the
 * feed ({@link Role#VIEWER} and up); ingest tokens may not.
 *
 * <p>Back-pressure: no publishing thread ever waits for a client. Each client has a bounded buffer of messages
 * ({@link Subscriber}); publishing is a non-blocking offer into each buffer, and when one is full its oldest
 * message is dropped and counted ({@code phosor_ws_dropped_total}). One sender per client writes with at most
 * one write outstanding. A client that keeps losing messages is disconnected (close code 1013) by a
 * maintenance tick; the feed also sends the stats on that tick.
 */
public final class LiveFeed implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

  /** Where the feed is served. */
  public static final String PATH = "/ws/events";
  /** The subprotocol a client offers first (its token second); the server selects it. */
  public static final String SUBPROTOCOL = "phosor";
  /** Client messages are small subscription requests; Jetty closes a connection sending more (1009). */
  static final int MAX_CLIENT_MESSAGE_CHARS = 4096;
  /** How often slow clients are looked for and stats fall due: well under the shortest lag limit (1 s). */
  static final long TICK_MILLIS = 250;
  /** How long a client disconnected for slowness gets for the close handshake before the connection is cut. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
  /** RFC 6455 section 7.4.1: the endpoint is going away (server shutdown). */
  static final int GOING_AWAY = 1001;
  /** RFC 6455 section 7.4.1: policy violation (the token is no longer valid). */
  static final int POLICY_VIOLATION = 1008;
  /** How often a connected client's token is checked again: a disabled account or an expired token ends the feed. */
  static final Duration RECHECK_EVERY = Duration.ofSeconds(10);
  /** RFC 6455 section 7.4.1 (IANA registry): try again later (too many clients, or too slow). */
  static final int TRY_AGAIN_LATER = 1013;
  /** RFC 6455 section 5.5: a control frame carries at most 125 bytes, two of them the close code. */
  private static final int MAX_REASON_BYTES = 123;
  /** Nesting kept when an event's fields are written; deeper values are written as text. */
  private static final int MAX_DEPTH = 16;
  private static final String HOW = "offer the subprotocols [\"phosor\", \"<token>\"] or add ?token=<token>";
  private static final String ACTOR_ATTR = "phosor.live.actor";

  private final LiveSettings settings;
  private final Authenticator auth;
  private final Audit audit;
  private final ObjectMapper mapper;
  private final Supplier<Map<String, Object>> stats;
  private final Clock clock;
  private final EventSampler sampler;
  private final ConcurrentHashMap<String, Subscriber> clients = new ConcurrentHashMap<>();
  private final AtomicInteger slots = new AtomicInteger();
  private final AtomicBoolean statsRunning = new AtomicBoolean();
  private final Counter dropped;
  private final Counter slowDisconnects;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> refused = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("phosor-live").daemon().factory());
  private volatile long nextStats;
  private volatile boolean closed;

  /**
   * A feed with {@code settings}, checking tokens with {@code auth} (which audits invalid ones), recording
   * refused roles in {@code audit}, sending {@code stats} (the {@code /api/stats} figures) and counting into
   * {@code registry}.
   */
  public LiveFeed(LiveSettings settings, Authenticator auth, Audit audit, ObjectMapper mapper,
      Supplier<Map<String, Object>> stats, MeterRegistry registry, Clock clock) {
    this.settings = settings;
    this.auth = auth;
    this.audit = audit;
    this.mapper = mapper;
    this.stats = stats;
    this.clock = clock;
    this.registry = registry;
    this.sampler = settings.eventsPerSecond() == 0 ? null : new EventSampler(settings.eventsPerSecond(), clock);
    Gauge.builder("phosor_ws_clients", clients, Map::size).description("Live feed clients connected")
        .register(registry);
    this.dropped = Counter.builder("phosor_ws_dropped")
        .description("Live feed messages dropped because a client read more slowly than the feed").register(registry);
    this.slowDisconnects = Counter.builder("phosor_ws_slow_disconnects")
        .description("Live feed clients disconnected for falling behind").register(registry);
  }

  /** Adds {@code /ws/events} and {@code GET /api/live/clients} to {@code app}. */
  public void register(Javalin app) {
    app.wsBeforeUpgrade(PATH, this::beforeUpgrade);
    // the role is what docs/security.md lists; the check itself is beforeUpgrade's (HttpApi's runs for HTTP only)
    app.ws(PATH, ws -> {
      ws.onConnect(this::connected);
      ws.onMessage(this::message);
      ws.onClose(ctx -> disconnected(ctx.sessionId()));
      ws.onError(ctx -> disconnected(ctx.sessionId()));
    }, Role.VIEWER);
    app.get("/api/live/clients", ctx -> ctx.json(Map.of("clients", clients())), Role.ADMIN);
  }

  /** Starts the maintenance tick (slow clients, stats). */
  public void start() {
    nextStats = clock.millis() + settings.statsInterval().toMillis();
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  // ---- publishing: called on the pipeline, detection and incident threads; never waits for a client

  /** Takes journaled events on the pipeline thread: samples them and offers the sample to the clients. */
  @Override
  public void accept(List<Event> events) {
    if (sampler == null || events.isEmpty()) {
      return;
    }
    if (!anyWants(Topic.EVENT)) {
      sampler.pass(events.size());
      return;
    }
    sampler.sample(events, (e, skipped) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", Topic.EVENT.wire());
      m.put("skipped", skipped);
      m.put("data", eventJson(e));
      String text;
      try {
        text = mapper.writeValueAsString(m);
      } catch (JsonProcessingException ex) {
        LOG.debug("live feed: event {} cannot be written as JSON: {}", e.seq(), ex.toString());
        return;
      }
      fanOut(Topic.EVENT, text);
    });
  }

  /** Takes newly stored alerts (an {@code AlertService} listener, on the alert writer's thread). */
  public void onAlerts(List<StoredAlert> fresh) {
    if (!anyWants(Topic.ALERT)) {
      return;
    }
    for (StoredAlert a : fresh) {
      fanOut(Topic.ALERT, envelope(Topic.ALERT.wire(), AlertRoutes.toJson(a)));
    }
  }

  /**
   * Sends {@code {"type": type, "data": payload}} to every client subscribed to {@code type} ({@code alert},
   * {@code incident}, {@code stats} or {@code event}) without waiting for any of them.
   *
   * @throws IllegalArgumentException when the type is unknown or the payload cannot be written as JSON
   */
  public void publish(String type, Object payload) {
    Topic topic = Topic.of(type);
    if (topic == null) {
      throw new IllegalArgumentException("unknown live feed message type '" + type + "'; types are "
          + String.join(", ", Topic.NAMES));
    }
    if (anyWants(topic)) {
      fanOut(topic, envelope(type, payload));
    }
  }

  private boolean anyWants(Topic topic) {
    for (Subscriber s : clients.values()) {
      if (s.wants(topic)) {
        return true;
      }
    }
    return false;
  }

  private void fanOut(Topic topic, String message) {
    int lost = 0;
    for (Subscriber s : clients.values()) {
      if (s.wants(topic)) {
        lost += s.offer(message);
      }
    }
    if (lost > 0) {
      dropped.increment(lost);
    }
  }

  private void control(Subscriber s, Map<String, Object> message) {
    String text;
    try {
      text = mapper.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (s.offer(text) > 0) {
      dropped.increment();
    }
  }

  private String envelope(String type, Object payload) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("data", payload);
    try {
      return mapper.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("live feed: a '" + type + "' payload cannot be written as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /** The event in the shape search returns: the first-class properties, then the normalized fields. */
  public static Map<String, Object> eventJson(Event e) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put(Fields.ID, e.seq());
    d.put(Fields.TIMESTAMP, e.timestamp() == null ? null : e.timestamp().toString());
    d.put(Fields.INGESTED, e.ingested().toString());
    d.put(Fields.SOURCE, e.source());
    if (e.sourceAddress() != null) {
      d.put(Fields.SOURCE_ADDRESS, e.sourceAddress());
    }
    d.put(Fields.ORIGINAL, e.original());
    if (e.parseError() != null) {
      d.put(Fields.PARSE_ERROR, e.parseError());
    }
    for (Map.Entry<String, Object> f : e.fields().entrySet()) {
      if (f.getKey() != null) {
        d.putIfAbsent(f.getKey(), plain(f.getValue(), 0));
      }
    }
    return d;
  }

  /** A copy of a field value made of JSON types only (strings, numbers, booleans, maps, lists). */
  private static Object plain(Object v, int depth) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
      return v.toString();
    }
    if (v instanceof Number) {
      return v;
    }
    if (depth >= MAX_DEPTH || v instanceof TemporalAccessor) {
      return v.toString();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x, depth + 1)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(x -> out.add(plain(x, depth + 1)));
      return out;
    }
    return v.toString();
  }

  // ---- connections

  /** Authenticates the upgrade request; anything but a readable token and room for one more is refused. */
  private void beforeUpgrade(Context ctx) {
    String token = null;
    String via = null;
    String offered = ctx.header("Sec-WebSocket-Protocol");
    if (offered != null) {
      List<String> protocols = new ArrayList<>();
      for (String p : offered.split(",")) {
        if (!p.isBlank()) {
          protocols.add(p.trim());
        }
      }
      if (protocols.isEmpty() || !protocols.get(0).equals(SUBPROTOCOL)) {
        throw refuse(ctx, 400, "bad_request", "unknown subprotocol: " + HOW);
      }
      if (protocols.size() > 1) {
        token = protocols.get(1);
        via = "subprotocol";
      }
    }
    if (token == null && ctx.queryParam("token") != null) {
      token = ctx.queryParam("token");
      via = "query";
    }
    if (token == null) {
      token = HttpApi.bearer(ctx.header("Authorization"));
      via = "header";
    }
    if (token == null || token.isEmpty()) {
      throw refuse(ctx, 401, "unauthorized", "no token: " + HOW);
    }
    String request = "GET " + PATH;
    Principal caller;
    try {
      caller = auth.authenticate(token, ctx.ip(), request); // audits an invalid token itself
    } catch (AccessTokens.InvalidTokenException e) {
      throw refuse(ctx, 401, "unauthorized", "invalid token (" + via + "): " + e.getMessage());
    }
    if (!Role.VIEWER.admits(caller)) {
      audit.record(caller.name(), caller.role().id(), ctx.ip(), "access.denied", request, "denied",
          Map.of("needs", Role.VIEWER.id()));
      throw refuse(ctx, 403, "forbidden", "an ingest token may only send events; the live feed needs a user's token "
          + "or the API token");
    }
    if (closed || clients.size() >= settings.maxClients()) {
      throw refuse(ctx, 503, "too_many_clients", "the live feed has its " + settings.maxClients()
          + " clients (PHOSOR_WS_MAX_CLIENTS); retry later");
    }
    ctx.attribute(HttpApi.TOKEN_ATTR, token);
    ctx.attribute(HttpApi.ROLE_ATTR, caller.role());
    ctx.attribute(HttpApi.PRINCIPAL_ATTR, caller);
    ctx.attribute(ACTOR_ATTR, caller.name());
  }

  private ApiException refuse(Context ctx, int status, String code, String message) {
    countRefused(code);
    // Javalin echoes the first offered subprotocol; a refusal selects none
    ctx.res().setHeader("Sec-WebSocket-Protocol", null);
    return new ApiException(status, code, message, status == 503 ? Map.of("Retry-After", "10") : Map.of());
  }

  private void countRefused(String reason) {
    refused.computeIfAbsent(reason, c -> Counter.builder("phosor_ws_refused").tag("reason", c)
        .description("Live feed connections refused").register(registry)).increment();
  }

  private void connected(WsConnectContext ctx) {
    if (closed) {
      ctx.closeSession(GOING_AWAY, "server shutting down");
      return;
    }
    // the check before the upgrade can race with others connecting at the same time; this one cannot
    if (slots.incrementAndGet() > settings.maxClients()) {
      slots.decrementAndGet();
      countRefused("too_many_clients");
      ctx.closeSession(TRY_AGAIN_LATER, "too many live feed clients");
      return;
    }
    Session session = ctx.session;
    session.setMaxTextMessageSize(MAX_CLIENT_MESSAGE_CHARS);
    session.setIdleTimeout(settings.pingInterval().multipliedBy(3));
    String actor = ctx.attribute(ACTOR_ATTR);
    String token = ctx.attribute(HttpApi.TOKEN_ATTR);
    String address = address(session.getRemoteAddress());
    Supplier<String> recheck = () -> {
      try {
        auth.authenticate(token, address, "GET " + PATH);
        return null;
      } catch (AccessTokens.InvalidTokenException e) {
        return "token no longer valid: " + e.reason();
      }
    };
    Subscriber s = new Subscriber(ctx.sessionId(), address, actor, new JettyOutlet(session), settings.bufferMessages(),
        settings.pingInterval(), clock, recheck, RECHECK_EVERY);
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("type", "hello");
    hello.put("topics", Topic.names(s.topics()));
    hello.put("events_per_second", settings.eventsPerSecond());
    hello.put("stats_seconds", settings.statsInterval().toSeconds());
    hello.put("buffer_messages", settings.bufferMessages());
    control(s, hello); // before it can receive anything else
    clients.put(s.id(), s);
    s.start();
    LOG.info("live feed: {} connected from {} ({} clients)", actor, s.address(), clients.size());
  }

  private static String address(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i.getHostString() : String.valueOf(a);
  }

  /** Handles {@code {"subscribe": ["alert", "stats", ...]}}; anything else gets an error message. */
  private void message(WsMessageContext ctx) {
    Subscriber s = clients.get(ctx.sessionId());
    if (s == null) {
      return;
    }
    JsonNode n;
    try {
      n = mapper.readTree(ctx.message());
    } catch (JsonProcessingException e) {
      n = null;
    }
    JsonNode list = n != null && n.isObject() && n.size() == 1 ? n.get("subscribe") : null;
    if (list == null || !list.isArray()) {
      control(s, Map.of("type", "error", "message", "send {\"subscribe\": [\"alert\", \"stats\"]} to choose from "
          + String.join(", ", Topic.NAMES)));
      return;
    }
    int mask = 0;
    for (JsonNode t : list) {
      Topic topic = t.isTextual() ? Topic.of(t.asText()) : null;
      if (topic == null) {
        control(s, Map.of("type", "error", "message", "unknown topic " + abbreviate(t.toString()) + "; topics are "
            + String.join(", ", Topic.NAMES)));
        return;
      }
      mask |= topic.bit();
    }
    s.subscribe(mask);
    control(s, Map.of("type", "subscribed", "topics", Topic.names(mask)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private void disconnected(String id) {
    Subscriber s = clients.remove(id);
    if (s != null) {
      slots.decrementAndGet();
      s.stop();
      LOG.info("live feed: client {} left ({} sent, {} dropped)", id, s.sent(), s.dropped());
    }
  }

  /**
   * Disconnects {@code s} with {@code code}; cuts the connection if the close handshake does not finish in time.
   * False when it was gone already.
   */
  private boolean kick(Subscriber s, int code, String reason) {
    if (!clients.remove(s.id(), s)) {
      return false;
    }
    slots.decrementAndGet();
    s.stop();
    LOG.warn("live feed: disconnecting client {}: {}", s.id(), reason);
    s.outlet().close(code, trimReason(reason));
    cutAfterGrace(s);
    return true;
  }

  private void cutAfterGrace(Subscriber s) {
    if (!closed) {
      ticker.schedule(() -> {
        if (s.outlet().isOpen()) {
          s.outlet().disconnect();
        }
      }, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  static String trimReason(String reason) {
    String r = reason;
    while (r.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }

  /** The maintenance tick: disconnect clients that fell behind or whose connection failed; send stats. */
  private void tick() {
    try {
      long now = clock.millis();
      for (Subscriber s : clients.values()) {
        if (!s.isOpen()) { // it closed itself (token no longer valid) or a write failed; Jetty may not have told us
          if (clients.remove(s.id(), s)) {
            slots.decrementAndGet();
            cutAfterGrace(s);
          }
          continue;
        }
        String why = s.tooSlow(now, settings.maxLag(), settings.maxDrops());
        if (why != null && kick(s, TRY_AGAIN_LATER, why)) {
          slowDisconnects.increment();
        }
      }
      if (now >= nextStats) {
        nextStats = now + settings.statsInterval().toMillis();
        if (anyWants(Topic.STATS) && statsRunning.compareAndSet(false, true)) {
          // the figures may come from the database: read them off the tick so a slow store delays only stats
          Thread.ofVirtual().name("phosor-live-stats").start(() -> {
            try {
              publish(Topic.STATS.wire(), stats.get());
            } catch (RuntimeException e) {
              LOG.warn("live feed: stats not sent: {}", e.toString());
            } finally {
              statsRunning.set(false);
            }
          });
        }
      }
    } catch (RuntimeException e) {
      LOG.error("live feed: maintenance tick failed: {}", e.toString(), e);
    }
  }

  /** The connected clients with their figures (sent, dropped, buffered, how long behind). */
  public List<Map<String, Object>> clients() {
    long now = clock.millis();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Subscriber s : clients.values()) {
      out.add(s.describe(now));
    }
    return out;
  }

  /** Clients connected now. */
  public int clientCount() {
    return clients.size();
  }

  /** Closes every connection (1001, going away) and stops the tick. */
  @Override
  public void close() {
    closed = true;
    ticker.shutdownNow();
    for (Subscriber s : clients.values()) {
      if (clients.remove(s.id(), s)) {
        slots.decrementAndGet();
        s.stop();
        s.outlet().close(GOING_AWAY, "server shutting down");
      }
    }
  }
}
