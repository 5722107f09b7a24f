package io.phosor.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.journal.Journal;
import io.phosor.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T1 = 1_795_304_412_123_456_789L; // 2026-11-21T23:40:12.123456789Z

  @TempDir
  Path data;

  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = TestServer.start(data, Map.of("PHOSOR_HTTP_MAX_BODY_BYTES", "65536",
        "PHOSOR_OTLP_MAX_DECOMPRESSED_BYTES", "262144"));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private List<Event> journaled() {
    return Journal.readAll(data.resolve("journal"));
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static KeyValue kv(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  private static ExportLogsServiceRequest request() {
    LogRecord failed = LogRecord.newBuilder()
        .setTimeUnixNano(T1)
        .setObservedTimeUnixNano(T1 + 5_000_000)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
        .setSeverityText("WARN")
        .setBody(AnyValue.newBuilder().setStringValue("Failed password for root from 198.51.100.7 port 40022 ssh2"))
        .addAttributes(kv("log.file.name", "auth.log"))
        .addAttributes(kv("http.response.status_code", 401))
        .setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
        .setSpanId(ByteString.fromHex("eee19b7ec3c1b174"))
        .build();
    LogRecord structured = LogRecord.newBuilder()
        .setObservedTimeUnixNano(T1 + 1_000_000_000L)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
        .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("message", "payment declined"))
            .addValues(kv("order.id", "A-17"))))
        .addAttributes(kv("user.name", "alice"))
        .build();
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "checkout"))
            .addAttributes(kv("host.name", "web-7")).addAttributes(kv("deployment.environment", "prod")))
        .addScopeLogs(ScopeLogs.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.example.logging").setVersion("1.2.0"))
            .addLogRecords(failed).addLogRecords(structured)))
        .build();
  }

  private HttpResponse<byte[]> post(byte[] body, String contentType, String encoding, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url("/v1/logs")))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private static void assertMapped(List<Event> events) {
    assertThat(events).hasSize(2);
    Event a = events.get(0);
    assertThat(a.source()).isEqualTo("otlp");
    assertThat(a.sourceAddress()).isEqualTo("127.0.0.1");
    assertThat(a.get("service.name")).isEqualTo("checkout");
    assertThat(a.get(Fields.HOST_NAME)).isEqualTo("web-7");
    assertThat(a.get("deployment.environment")).isEqualTo("prod");
    assertThat(a.get("otel.scope.name")).isEqualTo("io.example.logging");
    assertThat(a.get("otel.scope.version")).isEqualTo("1.2.0");
    assertThat(a.get("log.file.name")).isEqualTo("auth.log");
    assertThat(((Number) a.get("http.response.status_code")).intValue()).isEqualTo(401);
    assertThat(a.get(Fields.MESSAGE)).isEqualTo("Failed password for root from 198.51.100.7 port 40022 ssh2");
    assertThat(a.timestamp()).isEqualTo(Instant.ofEpochSecond(0, T1));
    assertThat(a.get(Fields.SEVERITY)).isEqualTo("medium");
    assertThat(a.get("log.level")).isEqualTo("WARN");
    assertThat(a.get("trace.id")).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(a.get("span.id")).isEqualTo("eee19b7ec3c1b174");
    // the body is text like any other: the sshd line is recognized
    assertThat(a.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(a.get(Fields.SOURCE_IP)).isEqualTo("198.51.100.7");
    Event b = events.get(1);
    assertThat(b.get(Fields.MESSAGE)).isEqualTo("payment declined");
    assertThat(b.get("order.id")).isEqualTo("A-17");
    assertThat(b.get(Fields.USER_NAME)).isEqualTo("alice");
    assertThat(b.get(Fields.SEVERITY)).isEqualTo("high");
    assertThat(b.timestamp()).as("observedTimeUnixNano when timeUnixNano is 0")
        .isEqualTo(Instant.ofEpochSecond(0, T1 + 1_000_000_000L));
  }

  @Test
  void protobufRequestsAreJournaledWithResourceAndLogAttributesAsFields() throws Exception {
    HttpResponse<byte[]> r = post(request().toByteArray(), "application/x-protobuf", null, TestServer.ingest());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(
        "application/x-protobuf"));
    ExportLogsServiceResponse resp = ExportLogsServiceResponse.parseFrom(r.body());
    assertThat(resp.hasPartialSuccess()).isFalse();
    assertMapped(journaled());
  }

  @Test
  void jsonRequestsWithHexIdsAndGzipAreReadTheSameWay() throws Exception {
    // OTLP/JSON as the OpenTelemetry Collector sends it: camelCase, hex ids, enum as a number, int64 as a string
    String json = """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},
          {"key":"host.name","value":{"stringValue":"web-7"}},{"key":"deployment.environment","value":{"stringValue":"prod"}}]},
         "scopeLogs":[{"scope":{"name":"io.example.logging","version":"1.2.0"},"logRecords":[
          {"timeUnixNano":"1795304412123456789","observedTimeUnixNano":"1795304412128456789","severityNumber":13,
           "severityText":"WARN","body":{"stringValue":"Failed password for root from 198.51.100.7 port 40022 ssh2"},
           "attributes":[{"key":"log.file.name","value":{"stringValue":"auth.log"}},
             {"key":"http.response.status_code","value":{"intValue":"401"}}],
           "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","someFutureField":true},
          {"observedTimeUnixNano":"1795304413123456789","severityNumber":"SEVERITY_NUMBER_ERROR",
           "body":{"kvlistValue":{"values":[{"key":"message","value":{"stringValue":"payment declined"}},
             {"key":"order.id","value":{"stringValue":"A-17"}}]}},
           "attributes":[{"key":"user.name","value":{"stringValue":"alice"}}]}]}]}]}
        """;
    HttpResponse<byte[]> r = post(gzip(json.getBytes(StandardCharsets.UTF_8)), "application/json; charset=utf-8",
        "gzip", TestServer.ingest());
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(
        "application/json"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertMapped(journaled());
  }

  @Test
  void recordsWithNothingInThemAreRefusedAsAPartialSuccess() throws Exception {
    ExportLogsServiceRequest req = request().toBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(T1))
            .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("")))))
        .build();
    HttpResponse<byte[]> r = post(req.toByteArray(), "application/x-protobuf", null, TestServer.ingest());
    assertThat(r.statusCode()).isEqualTo(200);
    ExportLogsServiceResponse resp = ExportLogsServiceResponse.parseFrom(r.body());
    assertThat(resp.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
    assertThat(resp.getPartialSuccess().getErrorMessage()).contains("neither a body nor attributes");
    assertThat(journaled()).hasSize(2);
    // the same in JSON
    String json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"1\"}]}]}]}";
    HttpResponse<byte[]> j = post(json.getBytes(StandardCharsets.UTF_8), "application/json", null,
        TestServer.ingest());
    JsonNode body = JSON.readTree(j.body());
    assertThat(body.at("/partialSuccess/rejectedLogRecords").asText()).isEqualTo("1");
    var sources = JSON.readTree(t.get("/api/sources", t.admin()).body());
    JsonNode otlp = null;
    for (JsonNode s : sources.get("sources")) {
      if (s.path("id").asText().startsWith("otlp:")) {
        otlp = s;
      }
    }
    assertThat(otlp).as("the OTLP source in /api/sources: %s", sources).isNotNull();
    assertThat(otlp.toString()).contains("\"received\":5");
  }

  @Test
  void badRequestsGetAStatusInTheirOwnEncodingAndStoreNothing() throws Exception {
    HttpResponse<byte[]> garbage = post(new byte[] {0x0a, (byte) 0xff, 0x01}, "application/x-protobuf", null,
        TestServer.ingest());
    assertThat(garbage.statusCode()).isEqualTo(400);
    CodedInputStream status = CodedInputStream.newInstance(garbage.body());
    assertThat(status.readTag()).isEqualTo(8); // field 1, varint
    assertThat(status.readInt32()).isEqualTo(3); // INVALID_ARGUMENT
    assertThat(status.readTag()).isEqualTo(18); // field 2, length-delimited
    assertThat(status.readString()).contains("not an ExportLogsServiceRequest");

    HttpResponse<byte[]> badJson = post("{\"resourceLogs\": [".getBytes(StandardCharsets.UTF_8), "application/json",
        null, TestServer.ingest());
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badJson.body()).get("message").asText()).contains("malformed JSON at line 1");
    HttpResponse<byte[]> badHex = post(("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"xyz\","
        + "\"body\":{\"stringValue\":\"x\"}}]}]}]}").getBytes(StandardCharsets.UTF_8), "application/json", null,
        TestServer.ingest());
    assertThat(badHex.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badHex.body()).get("message").asText()).contains("traceId must be hex");

    HttpResponse<byte[]> text = post("hello".getBytes(StandardCharsets.UTF_8), "text/plain", null, TestServer.ingest());
    assertThat(text.statusCode()).isEqualTo(415);
    HttpResponse<byte[]> brotli = post(request().toByteArray(), "application/x-protobuf", "br", TestServer.ingest());
    assertThat(brotli.statusCode()).isEqualTo(415);
    HttpResponse<byte[]> damaged = post(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2}, "application/x-protobuf", "gzip",
        TestServer.ingest());
    assertThat(damaged.statusCode()).isEqualTo(400);
    // a small gzip body that inflates beyond PHOSOR_OTLP_MAX_DECOMPRESSED_BYTES (256 KiB here)
    byte[] bomb = gzip(ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
            .setBody(AnyValue.newBuilder().setStringValue("a".repeat(1 << 20))))))
        .build().toByteArray());
    assertThat(bomb.length).isLessThan(65536);
    HttpResponse<byte[]> tooBig = post(bomb, "application/x-protobuf", "gzip", TestServer.ingest());
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(journaled()).isEmpty();
  }

  @Test
  void anIngestTokenIsRequiredAndPeopleCannotIngest() throws Exception {
    assertThat(post(request().toByteArray(), "application/x-protobuf", null, null).statusCode()).isEqualTo(401);
    assertThat(post(request().toByteArray(), "application/x-protobuf", null, "Bearer wrong-token-0123456789")
        .statusCode()).isEqualTo(401);
    assertThat(post(request().toByteArray(), "application/x-protobuf", null, t.viewer()).statusCode()).isEqualTo(403);
    assertThat(journaled()).isEmpty();
    assertThat(post(request().toByteArray(), "application/x-protobuf", null, t.admin()).statusCode()).isEqualTo(200);
  }

  @Test
  void aSenderOverItsRateGets429WithRetryAfter() throws Exception {
    t.close();
    t = TestServer.start(data.resolve("limited"), Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "1",
        "PHOSOR_RATE_LIMIT_BURST", "2"));
    ExportLogsServiceRequest big = request().toBuilder().addResourceLogs(request().getResourceLogs(0)).build();
    HttpResponse<byte[]> first = post(big.toByteArray(), "application/x-protobuf", null, TestServer.ingest());
    HttpResponse<byte[]> second = post(big.toByteArray(), "application/x-protobuf", null, TestServer.ingest());
    assertThat(List.of(first.statusCode(), second.statusCode())).contains(429);
    HttpResponse<byte[]> limited = first.statusCode() == 429 ? first : second;
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    CodedInputStream status = CodedInputStream.newInstance(limited.body());
    status.readTag();
    assertThat(status.readInt32()).isEqualTo(8); // RESOURCE_EXHAUSTED
  }
}
