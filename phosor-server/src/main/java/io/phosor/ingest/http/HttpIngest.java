package io.phosor.ingest.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.NetUtil;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.auth.Role;
import io.phosor.auth.TokenAuth;
import io.phosor.pipeline.Inbound;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HTTP ingestion: {@code POST /api/webhook/{source}} (a JSON object, an array, or NDJSON),
 * {@code POST /api/ingest} (CortexSOC's body: type, user, origin, ip, ...), Splunk HEC ({@link HecRoutes}) and
 * OTLP/HTTP logs ({@code POST /v1/logs}, {@link OtlpRoutes}). All take an ingest token and answer success only
 * once the events are in the journal.
 */
public final class HttpIngest {
  /** Source names appear in metrics labels and file names: keep them short and plain. */
  private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
  /** CortexSOC's string fields; longer values are not a user name or a country. */
  private static final int MAX_FIELD_CHARS = 1024;

  private final ObjectMapper mapper;
  private final IngestGate gate;
  private final SourceStats stats;
  private final Clock clock;
  private final TokenAuth auth;
  private final long otlpMaxInflatedBytes;
  private final MeterRegistry registry;

  /**
   * Creates the routes' handlers; {@code otlpMaxInflatedBytes} bounds an OTLP body after gzip decompression and
   * {@code registry} takes the OTLP route's meters.
   */
  public HttpIngest(ObjectMapper mapper, Pipeline pipeline, ReputationLimiter limiter, SourceStats stats, Clock clock,
      TokenAuth auth, long otlpMaxInflatedBytes, MeterRegistry registry) {
    this.auth = auth;
    this.otlpMaxInflatedBytes = otlpMaxInflatedBytes;
    this.registry = registry;
    this.mapper = mapper;
    this.gate = new IngestGate(pipeline, limiter);
    this.stats = stats;
    this.clock = clock;
  }

  /** Registers the routes. */
  public void register(Javalin app) {
    app.post("/api/webhook/{source}", this::webhook, Role.INGEST);
    app.post("/api/ingest", this::ingest, Role.INGEST);
    new HecRoutes(mapper, gate, stats, clock, auth).register(app);
    new OtlpRoutes(mapper, gate, stats, clock, otlpMaxInflatedBytes, registry).register(app);
  }

  private void webhook(Context ctx) {
    String name = ctx.pathParam("source");
    if (!SOURCE_NAME.matcher(name).matches()) {
      throw ApiException.badRequest("source name must be 1-64 characters of letters, digits, '_', '.', '-'");
    }
    String source = "webhook:" + name;
    List<ObjectNode> objects = JsonBodies.objects(mapper, ctx.bodyAsBytes());
    accept(ctx, source, source, stats.source("webhook", source), objects);
  }

  private void ingest(Context ctx) {
    List<ObjectNode> objects = JsonBodies.objects(mapper, ctx.bodyAsBytes());
    int i = 0;
    for (ObjectNode o : objects) {
      i++;
      validateCortex(o, i);
    }
    String fp = TokenAuth.fingerprint(ctx.attribute(HttpApi.TOKEN_ATTR));
    String id = "ingest:" + fp;
    accept(ctx, "ingest", id, stats.source("ingest", id), objects);
  }

  private static void validateCortex(ObjectNode o, int index) {
    if (o.isEmpty()) {
      throw ApiException.badRequest("event #" + index + " is an empty object");
    }
    for (String f : List.of("type", "user", "origin", "ip", "message", "severity")) {
      var v = o.get(f);
      if (v == null || v.isNull()) {
        continue;
      }
      if (!v.isTextual()) {
        throw ApiException.badRequest("event #" + index + ": '" + f + "' must be a string, was " + JsonBodies.describe(v));
      }
      if (v.asText().length() > MAX_FIELD_CHARS) {
        throw ApiException.badRequest("event #" + index + ": '" + f + "' is longer than " + MAX_FIELD_CHARS + " characters");
      }
    }
    var ip = o.get("ip");
    if (ip != null && ip.isTextual() && !NetUtil.isValidIpV4Address(ip.asText()) && !NetUtil.isValidIpV6Address(ip.asText())) {
      throw ApiException.badRequest("event #" + index + ": 'ip' is not an IPv4 or IPv6 address");
    }
  }

  private void accept(Context ctx, String source, String rateKey, SourceCounters counters, List<ObjectNode> objects) {
    Instant now = clock.instant();
    String address = ctx.ip();
    List<Inbound> batch = new ArrayList<>(objects.size());
    for (ObjectNode o : objects) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = mapper.convertValue(o, LinkedHashMap.class);
      batch.add(Inbound.object(source, address, counters, map, o.toString(), now, null));
    }
    IngestGate.Result r = gate.ingest(rateKey, counters, batch, now.toEpochMilli());
    if (r.refusal() != null) {
      IngestGate.Refusal f = r.refusal();
      throw new ApiException(f.status(), f.code(), f.message(),
          f.retryAfterSeconds() > 0 ? Map.of("Retry-After", Long.toString(f.retryAfterSeconds())) : Map.of());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "accepted");
    body.put("accepted", batch.size());
    body.put("last_id", r.lastSeq());
    ctx.json(body);
  }
}
