package io.phosor.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.auth.Role;
import io.phosor.auth.TokenAuth;
import io.phosor.event.Fields;
import io.phosor.pipeline.Inbound;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Splunk HTTP Event Collector compatible endpoints, so Splunk forwarders, Vector, Fluent Bit and the
 * OpenTelemetry Collector can send to Phosor unchanged: {@code /services/collector/event} (concatenated
 * JSON event envelopes), {@code /services/collector/raw} (lines), {@code /services/collector/health};
 * {@code Authorization: Splunk <token>}; HEC's {@code {"text", "code"}} answers and codes.
 */
final class HecRoutes {
  /** A gzip body may expand; bound the expansion to the same order as the plain body limit. */
  private static final long MAX_INFLATED_BYTES = 64L << 20;

  private final ObjectMapper mapper;
  private final IngestGate gate;
  private final SourceStats stats;
  private final Clock clock;
  private final TokenAuth auth;

  HecRoutes(ObjectMapper mapper, IngestGate gate, SourceStats stats, Clock clock, TokenAuth auth) {
    this.auth = auth;
    this.mapper = mapper;
    this.gate = gate;
    this.stats = stats;
    this.clock = clock;
  }

  void register(Javalin app) {
    for (String p : List.of("/services/collector", "/services/collector/event", "/services/collector/event/1.0")) {
      app.post(p, this::event, Role.INGEST);
    }
    for (String p : List.of("/services/collector/raw", "/services/collector/raw/1.0")) {
      app.post(p, this::raw, Role.INGEST);
    }
    for (String p : List.of("/services/collector/health", "/services/collector/health/1.0")) {
      app.get(p, this::health, Role.PUBLIC);
      app.post(p, this::health, Role.PUBLIC);
    }
  }

  private static void answer(Context ctx, int status, String text, int code) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", text);
    body.put("code", code);
    ctx.status(status).json(body);
  }

  private static final class HecError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int code;
    final long retryAfter;

    HecError(int status, String text, int code, long retryAfter) {
      super(text, null, false, false);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  private String token(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null || h.isBlank()) {
      throw new HecError(401, "Token is required", 2, 0);
    }
    String t = h.trim();
    String token;
    if (t.regionMatches(true, 0, "Splunk ", 0, 7)) {
      token = t.substring(7).trim();
    } else if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = t.substring(7).trim();
    } else {
      throw new HecError(401, "Invalid authorization", 3, 0);
    }
    if (token.isEmpty()) {
      throw new HecError(401, "Invalid authorization", 3, 0);
    }
    if (auth.check(token) == null) {
      throw new HecError(403, "Invalid token", 4, 0);
    }
    return token;
  }

  private void health(Context ctx) {
    answer(ctx, 200, "HEC is healthy", 17);
  }

  private void event(Context ctx) {
    handle(ctx, false);
  }

  private void raw(Context ctx) {
    handle(ctx, true);
  }

  private void handle(Context ctx, boolean raw) {
    try {
      String token = token(ctx);
      String fp = TokenAuth.fingerprint(token);
      String id = "hec:" + fp;
      SourceCounters counters = stats.source("hec", id);
      byte[] body = body(ctx);
      Instant now = clock.instant();
      List<Inbound> batch = raw ? rawEvents(ctx, body, counters, now) : jsonEvents(ctx, body, counters, now);
      if (batch.isEmpty()) {
        throw new HecError(400, "No data", 5, 0);
      }
      IngestGate.Result r = gate.ingest(id, counters, batch, now.toEpochMilli());
      if (r.refusal() != null) {
        IngestGate.Refusal f = r.refusal();
        if (f.status() == 429) {
          throw new HecError(429, "Too many requests: " + f.message(), 9, f.retryAfterSeconds());
        }
        throw new HecError(503, "Server is busy", 9, f.retryAfterSeconds());
      }
      answer(ctx, 200, "Success", 0);
    } catch (HecError e) {
      if (e.retryAfter > 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfter));
      }
      answer(ctx, e.status, e.getMessage(), e.code);
    }
  }

  private byte[] body(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    String enc = ctx.header("Content-Encoding");
    if (enc != null && enc.trim().equalsIgnoreCase("gzip")) {
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          if (out.size() > MAX_INFLATED_BYTES) {
            throw new HecError(413, "Content length too large", 27, 0);
          }
        }
        return out.toByteArray();
      } catch (IOException e) {
        throw new HecError(400, "Invalid data format", 6, 0);
      }
    }
    return body;
  }

  private List<Inbound> rawEvents(Context ctx, byte[] body, SourceCounters counters, Instant now) {
    Map<String, Object> extra = envelope(ctx.queryParam("host"), ctx.queryParam("source"),
        ctx.queryParam("sourcetype"), ctx.queryParam("index"));
    List<Inbound> out = new ArrayList<>();
    String text = new String(body, StandardCharsets.UTF_8);
    for (String line : text.split("\r?\n")) {
      if (!line.isBlank()) {
        out.add(Inbound.text("hec", ctx.ip(), counters, line, now, extra.isEmpty() ? null : extra));
      }
    }
    return out;
  }

  private List<Inbound> jsonEvents(Context ctx, byte[] body, SourceCounters counters, Instant now) {
    List<ObjectNode> objects;
    try {
      objects = JsonBodies.objects(mapper, body);
    } catch (ApiException e) {
      if ("no_data".equals(e.error())) {
        throw new HecError(400, "No data", 5, 0);
      }
      throw new HecError(400, "Invalid data format", 6, 0);
    }
    List<Inbound> out = new ArrayList<>(objects.size());
    for (ObjectNode o : objects) {
      JsonNode ev = o.get("event");
      if (ev == null) {
        throw new HecError(400, "Event field is required", 12, 0);
      }
      if (ev.isNull() || (ev.isTextual() && ev.asText().isBlank()) || (ev.isObject() && ev.isEmpty())) {
        throw new HecError(400, "Event field cannot be blank", 13, 0);
      }
      Map<String, Object> extra = envelope(text(o, "host"), text(o, "source"), text(o, "sourcetype"), text(o, "index"));
      JsonNode time = o.get("time");
      if (time != null && !time.isNull()) {
        double secs;
        if (time.isNumber()) {
          secs = time.asDouble();
        } else {
          try {
            secs = Double.parseDouble(time.asText());
          } catch (NumberFormatException e) {
            throw new HecError(400, "Invalid data format", 6, 0);
          }
        }
        extra.put(Fields.TIMESTAMP, Instant.ofEpochMilli(Math.round(secs * 1000)));
      }
      JsonNode fields = o.get("fields");
      if (fields != null && fields.isObject()) {
        fields.fields().forEachRemaining(f -> extra.put(f.getKey(), f.getValue().isValueNode()
            ? f.getValue().asText() : f.getValue().toString()));
      }
      Map<String, Object> ex = extra.isEmpty() ? null : extra;
      if (ev.isObject()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = mapper.convertValue(ev, LinkedHashMap.class);
        out.add(Inbound.object("hec", ctx.ip(), counters, map, ev.toString(), now, ex));
      } else {
        out.add(Inbound.text("hec", ctx.ip(), counters, ev.isTextual() ? ev.asText() : ev.toString(), now, ex));
      }
    }
    return out;
  }

  private static String text(ObjectNode o, String f) {
    JsonNode n = o.get(f);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Map<String, Object> envelope(String host, String source, String sourcetype, String index) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (host != null && !host.isBlank()) {
      m.put(Fields.HOST_NAME, host);
    }
    if (source != null && !source.isBlank()) {
      m.put("hec.source", source);
    }
    if (sourcetype != null && !sourcetype.isBlank()) {
      m.put("hec.sourcetype", sourcetype);
    }
    if (index != null && !index.isBlank()) {
      m.put("hec.index", index);
    }
    return m;
  }
}
