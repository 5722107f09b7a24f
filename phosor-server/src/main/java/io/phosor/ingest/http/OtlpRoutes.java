package io.phosor.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.phosor.api.HttpApi;
import io.phosor.auth.Role;
import io.phosor.auth.TokenAuth;
import io.phosor.event.Fields;
import io.phosor.event.Severity;
import io.phosor.pipeline.Inbound;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * OpenTelemetry logs over OTLP/HTTP (OTLP specification 1.x, "OTLP/HTTP"): {@code POST /v1/logs} with an
 * {@code ExportLogsServiceRequest} encoded as binary protobuf ({@code application/x-protobuf}) or as JSON
 * ({@code application/json}, with the OTLP rule that trace and span ids are hex, not base64), optionally gzip
 * compressed. Each log record becomes one event: resource attributes, then the scope, then the record's attributes
 * become fields under their own names ({@code service.name}, {@code host.name}, ...); the body becomes
 * {@code message} (a map body becomes fields); {@code timeUnixNano} (or {@code observedTimeUnixNano}) becomes
 * {@code @timestamp}; the severity number and text become {@code event.severity} and {@code log.level}. The answer
 * is an {@code ExportLogsServiceResponse} in the request's encoding, with {@code partial_success} when records
 * were refused; errors are a {@code google.rpc.Status}. Authenticated with an ingest token; rate limited,
 * journaled and counted like the other HTTP inputs (through {@link IngestGate}).
 */
final class OtlpRoutes {
  /** The OTLP/HTTP path for logs. */
  static final String PATH = "/v1/logs";
  /** The source name OTLP events carry and the kind of their counters ("otlp:{token fingerprint}"). */
  static final String SOURCE = "otlp";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  /** Nested attribute values deeper than this are not unfolded further (the normalizer flattens 16 levels). */
  private static final int MAX_VALUE_DEPTH = 16;
  /** google.rpc.Code values used in the Status of an error answer. */
  private static final int INVALID_ARGUMENT = 3;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int UNAVAILABLE = 14;
  /** Severity words for SeverityNumber ranges 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL. */
  private static final Severity[] BY_NUMBER = {
    Severity.INFORMATIONAL, Severity.INFORMATIONAL, Severity.INFORMATIONAL, Severity.MEDIUM, Severity.HIGH,
    Severity.CRITICAL};

  private final ObjectMapper mapper;
  private final IngestGate gate;
  private final SourceStats stats;
  private final Clock clock;
  private final long maxInflatedBytes;
  private final Counter rejectedEmpty;
  private final JsonFormat.Parser jsonParser = JsonFormat.parser().ignoringUnknownFields();
  private final JsonFormat.Printer jsonPrinter = JsonFormat.printer().omittingInsignificantWhitespace();

  OtlpRoutes(ObjectMapper mapper, IngestGate gate, SourceStats stats, Clock clock, long maxInflatedBytes,
      MeterRegistry registry) {
    this.mapper = mapper;
    this.gate = gate;
    this.stats = stats;
    this.clock = clock;
    this.maxInflatedBytes = maxInflatedBytes;
    this.rejectedEmpty = Counter.builder("phosor_otlp_rejected_log_records").tag("reason", "empty")
        .description("OTLP log records refused (reported to the sender as partial_success): no body and no "
            + "attributes").register(registry);
  }

  void register(Javalin app) {
    app.post(PATH, this::logs, Role.INGEST);
  }

  /** An error answer: HTTP status, google.rpc.Code and message, and Retry-After seconds (0 = none). */
  private static final class OtlpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int code;
    final long retryAfter;

    OtlpError(int status, int code, String message, long retryAfter) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  private void logs(Context ctx) {
    boolean json = false;
    try {
      json = json(ctx.header("Content-Type"));
      byte[] body = inflate(ctx);
      ExportLogsServiceRequest request = json ? parseJson(body) : parseProtobuf(body);
      String fp = TokenAuth.fingerprint(ctx.attribute(HttpApi.TOKEN_ATTR));
      String id = SOURCE + ":" + fp;
      SourceCounters counters = stats.source(SOURCE, id);
      Instant now = clock.instant();
      List<Inbound> batch = new ArrayList<>();
      long empty = events(request, ctx.ip(), counters, now, batch);
      if (batch.size() > JsonBodies.MAX_EVENTS_PER_REQUEST) {
        throw new OtlpError(413, INVALID_ARGUMENT, "more than " + JsonBodies.MAX_EVENTS_PER_REQUEST + " log records "
            + "in one request; lower the exporter's batch size (e.g. send_batch_max_size: 8192)", 0);
      }
      if (empty > 0) {
        counters.received((int) empty, now.toEpochMilli());
        rejectedEmpty.increment(empty);
      }
      IngestGate.Result r = gate.ingest(id, counters, batch, now.toEpochMilli());
      if (r.refusal() != null) {
        IngestGate.Refusal f = r.refusal();
        throw new OtlpError(f.status(), f.status() == 429 ? RESOURCE_EXHAUSTED : UNAVAILABLE, f.message(),
            f.retryAfterSeconds());
      }
      ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
      if (empty > 0) {
        response.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(empty)
            .setErrorMessage(empty + " log record(s) had neither a body nor attributes and were not stored"));
      }
      answer(ctx, json, 200, json ? jsonPrinter.print(response).getBytes(StandardCharsets.UTF_8)
          : response.build().toByteArray());
    } catch (OtlpError e) {
      if (e.retryAfter > 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfter));
      }
      answer(ctx, json, e.status, status(json, e.code, e.getMessage()));
    } catch (InvalidProtocolBufferException e) {
      // from the JSON printer only, which cannot fail on a message built here
      answer(ctx, json, 500, status(json, 13, "could not encode the response"));
    }
  }

  private static void answer(Context ctx, boolean json, int status, byte[] body) {
    ctx.status(status).contentType(json ? JSON : PROTOBUF).result(body);
  }

  /** A google.rpc.Status {code = 1, message = 2} in the request's encoding (hand-encoded: two fields). */
  private byte[] status(boolean json, int code, String message) {
    if (json) {
      ObjectNode o = mapper.createObjectNode();
      o.put("code", code);
      o.put("message", message);
      return o.toString().getBytes(StandardCharsets.UTF_8);
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.length() + 16);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
    }
  }

  private static boolean json(String contentType) {
    String t = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    int semi = t.indexOf(';');
    t = (semi < 0 ? t : t.substring(0, semi)).strip();
    if (t.equals(JSON)) {
      return true;
    }
    if (t.equals(PROTOBUF)) {
      return false;
    }
    throw new OtlpError(415, INVALID_ARGUMENT, "Content-Type must be " + PROTOBUF + " or " + JSON + ", was '"
        + (contentType == null ? "" : contentType.length() > 64 ? contentType.substring(0, 64) + "..." : contentType)
        + "'", 0);
  }

  private byte[] inflate(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    String enc = ctx.header("Content-Encoding");
    if (enc == null || enc.isBlank() || enc.strip().equalsIgnoreCase("identity")) {
      return body;
    }
    if (!enc.strip().equalsIgnoreCase("gzip")) {
      throw new OtlpError(415, INVALID_ARGUMENT, "Content-Encoding must be gzip or none", 0);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(maxInflatedBytes, body.length * 4L + 64));
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + (long) n > maxInflatedBytes) {
          throw new OtlpError(413, INVALID_ARGUMENT, "the request body inflates beyond " + maxInflatedBytes
              + " bytes (PHOSOR_OTLP_MAX_DECOMPRESSED_BYTES); send smaller batches", 0);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new OtlpError(400, INVALID_ARGUMENT, "the gzip body is damaged: " + e.getMessage(), 0);
    }
  }

  private static ExportLogsServiceRequest parseProtobuf(byte[] body) {
    try {
      return ExportLogsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpError(400, INVALID_ARGUMENT, "the body is not an ExportLogsServiceRequest in protobuf: "
          + e.getMessage(), 0);
    }
  }

  /**
   * OTLP/JSON: proto3 JSON with lowerCamelCase names, except that traceId and spanId are hex (the OTLP
   * specification, "JSON Protobuf Encoding"); they are turned into proto3 JSON's base64 before the protobuf JSON
   * parser reads the request. Unknown fields are ignored, as the specification asks of receivers.
   */
  private ExportLogsServiceRequest parseJson(byte[] body) {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    try {
      JsonNode root = mapper.readTree(body);
      if (root == null || !root.isObject()) {
        throw new OtlpError(400, INVALID_ARGUMENT, "the body must be a JSON object (an ExportLogsServiceRequest)", 0);
      }
      hexIdsToBase64(root);
      jsonParser.merge(mapper.writeValueAsString(root), b);
    } catch (JsonProcessingException e) {
      throw new OtlpError(400, INVALID_ARGUMENT, "malformed JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), 0);
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpError(400, INVALID_ARGUMENT, "the JSON is not an ExportLogsServiceRequest: " + e.getMessage(), 0);
    } catch (IOException e) {
      throw new OtlpError(400, INVALID_ARGUMENT, "unreadable body: " + e.getMessage(), 0);
    }
    return b.build();
  }

  private static void hexIdsToBase64(JsonNode root) {
    for (JsonNode rl : each(root, "resourceLogs", "resource_logs")) {
      for (JsonNode sl : each(rl, "scopeLogs", "scope_logs")) {
        for (JsonNode lr : each(sl, "logRecords", "log_records")) {
          if (lr instanceof ObjectNode o) {
            for (String f : new String[] {"traceId", "trace_id", "spanId", "span_id"}) {
              JsonNode v = o.get(f);
              if (v != null && v.isTextual()) {
                String hex = v.asText();
                if (hex.isEmpty()) {
                  o.remove(f);
                } else if (hex.length() % 2 == 0 && hex.length() <= 64 && HexFormat.isHexDigit(hex.charAt(0))) {
                  try {
                    o.put(f, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)));
                  } catch (IllegalArgumentException e) {
                    throw new OtlpError(400, INVALID_ARGUMENT, f + " must be hex, was '" + abbreviate(hex) + "'", 0);
                  }
                } else {
                  throw new OtlpError(400, INVALID_ARGUMENT, f + " must be hex, was '" + abbreviate(hex) + "'", 0);
                }
              }
            }
          }
        }
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static Iterable<JsonNode> each(JsonNode parent, String camel, String snake) {
    JsonNode a = parent.get(camel);
    if (a == null) {
      a = parent.get(snake);
    }
    return a != null && a.isArray() ? a : List.of();
  }

  /** Adds one Inbound per storable log record to {@code out}; returns how many records were refused as empty. */
  private long events(ExportLogsServiceRequest request, String address, SourceCounters counters, Instant now,
      List<Inbound> out) {
    long empty = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Map<String, Object> resource = attributes(rl.getResource().getAttributesList());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        String scopeName = sl.getScope().getName();
        String scopeVersion = sl.getScope().getVersion();
        for (LogRecord lr : sl.getLogRecordsList()) {
          if (out.size() > JsonBodies.MAX_EVENTS_PER_REQUEST) {
            return empty; // the caller refuses the request
          }
          boolean noBody = lr.getBody().getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET
              || (lr.getBody().hasStringValue() && lr.getBody().getStringValue().isEmpty());
          if (noBody && lr.getAttributesCount() == 0) {
            empty++;
            continue;
          }
          Map<String, Object> m = new LinkedHashMap<>(resource);
          if (!scopeName.isEmpty()) {
            m.put("otel.scope.name", scopeName);
          }
          if (!scopeVersion.isEmpty()) {
            m.put("otel.scope.version", scopeVersion);
          }
          m.putAll(attributes(lr.getAttributesList()));
          Object body = noBody ? null : value(lr.getBody(), 0);
          if (body instanceof Map<?, ?> fields) {
            for (Map.Entry<?, ?> f : fields.entrySet()) {
              m.put(String.valueOf(f.getKey()), f.getValue());
            }
          } else if (body != null) {
            m.put(Fields.MESSAGE, body instanceof String s ? s : body.toString());
          }
          String level = lr.getSeverityText();
          if (!level.isEmpty()) {
            m.put("log.level", level);
          }
          Severity sev = severity(lr.getSeverityNumberValue(), level);
          if (sev != null) {
            m.put(Fields.SEVERITY, sev.label());
          }
          if (!lr.getTraceId().isEmpty()) {
            m.put("trace.id", hex(lr.getTraceId()));
          }
          if (!lr.getSpanId().isEmpty()) {
            m.put("span.id", hex(lr.getSpanId()));
          }
          if (!lr.getEventName().isEmpty()) {
            m.put("otel.event_name", lr.getEventName());
          }
          long nanos = lr.getTimeUnixNano() != 0 ? lr.getTimeUnixNano() : lr.getObservedTimeUnixNano();
          Map<String, Object> extra = null;
          if (nanos > 0) {
            extra = Map.of(Fields.TIMESTAMP, Instant.ofEpochSecond(0, nanos));
          }
          String original;
          try {
            original = mapper.writeValueAsString(m);
          } catch (JsonProcessingException e) {
            original = m.toString();
          }
          out.add(Inbound.object(SOURCE, address, counters, m, original, now, extra));
        }
      }
    }
    return empty;
  }

  /** SeverityNumber first (it is normalized), else the text ("WARN", "Error", ...); null when neither says. */
  static Severity severity(int number, String text) {
    if (number >= 1 && number <= 24) {
      return BY_NUMBER[(number - 1) / 4];
    }
    if (text == null || text.isEmpty()) {
      return null;
    }
    String t = text.toLowerCase(Locale.ROOT);
    return t.startsWith("trace") ? Severity.INFORMATIONAL : Severity.parse(t.replaceAll("[0-9]+$", ""));
  }

  private static Map<String, Object> attributes(List<KeyValue> kvs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      Object v = value(kv.getValue(), 0);
      if (v != null && !kv.getKey().isEmpty()) {
        out.put(kv.getKey(), v);
      }
    }
    return out;
  }

  private static Object value(AnyValue v, int depth) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        if (depth >= MAX_VALUE_DEPTH) {
          yield "[nested deeper than " + MAX_VALUE_DEPTH + " levels]";
        }
        List<Object> list = new ArrayList<>(v.getArrayValue().getValuesCount());
        for (AnyValue x : v.getArrayValue().getValuesList()) {
          list.add(value(x, depth + 1));
        }
        yield list;
      }
      case KVLIST_VALUE -> {
        if (depth >= MAX_VALUE_DEPTH) {
          yield "{nested deeper than " + MAX_VALUE_DEPTH + " levels}";
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          Object x = value(kv.getValue(), depth + 1);
          if (x != null) {
            map.put(kv.getKey(), x);
          }
        }
        yield map;
      }
      case VALUE_NOT_SET -> null;
    };
  }

  private static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
