package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.Corpus;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Apache/Nginx access logs: VRL's combined/common cases and 10,000 real Apache combined lines. */
class WebConformanceTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private final EventParser parser = new EventParser(new ManualClock(NOW));

  private Event parse(String line) {
    return parser.parseText("file:/var/log/nginx/access.log", null, ZoneOffset.UTC, NOW, line);
  }

  /** Upstream field names that Phosor does not extract (nginx extras). */
  private static final Set<String> NOT_EXTRACTED = Set.of("compression", "http_x_forwarded_for");

  @Test
  void vrlCombinedAndCommonCasesGiveTheExpectedFields() {
    String file = "web/vrl_access_log_cases.jsonl";
    Conformance c = new Conformance(file);
    for (JsonNode row : Corpus.jsonl(file)) {
      String input = row.get("input").asText();
      String source = row.get("source").asText();
      JsonNode opts = row.get("options");
      String format = opts == null || !opts.has("format") ? "common" : opts.get("format").asText();
      if (!Set.of("common", "combined", "main").contains(format)) {
        c.skip("not an access log format (" + format + ")");
        continue;
      }
      if (opts != null && opts.has("timestamp_format")) {
        c.skip("custom timestamp_format option");
        continue;
      }
      if (!row.get("valid").asBoolean()) {
        c.check(input, () -> assertThat(parse(input).get(Fields.EVENT_TYPE)).isNotEqualTo("web_access"));
        continue;
      }
      JsonNode x = row.get("expect");
      if (x.isEmpty()) {
        // VRL accepts all-dash placeholder lines and returns nothing; Phosor does not report an event
        // without any field as a web access
        c.skip("all-dash placeholder line (nothing to extract)");
        continue;
      }
      c.check(source.substring(source.indexOf('\'')) + " " + input, () -> {
        Event e = parse(input);
        assertThat(e.parseFailed()).isFalse();
        assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("web_access");
        x.fields().forEachRemaining(f -> {
          String k = f.getKey();
          JsonNode v = f.getValue();
          String s = v.asText();
          switch (k) {
            case "host", "client", "remote_addr" -> assertThat(e.get(Fields.SOURCE_IP)).isEqualTo(s);
            case "identity" -> assertThat(e.get("user.id")).isEqualTo(s);
            case "user", "remote_user" -> assertThat(e.get(Fields.USER_NAME)).isEqualTo(s);
            case "timestamp" -> assertThat(e.timestamp()).isEqualTo(Instant.parse(v.get("$timestamp").asText()));
            case "method" -> assertThat(e.get(Fields.HTTP_METHOD)).isEqualTo(s);
            case "path" -> assertThat(e.get(Fields.URL_ORIGINAL)).isEqualTo(s);
            case "protocol" -> assertThat("HTTP/" + e.get("http.version")).isEqualTo(s);
            case "status" -> assertThat(e.get(Fields.HTTP_STATUS)).isEqualTo(v.asInt());
            case "size", "body_bytes_size" -> assertThat(e.get(Fields.HTTP_BYTES)).isEqualTo(v.asLong());
            case "referrer", "referer", "http_referer" -> assertThat(e.get(Fields.HTTP_REFERRER))
                .isEqualTo(s.equals("-") || s.isEmpty() ? null : s);
            case "agent", "http_user_agent" -> assertThat(e.get(Fields.USER_AGENT))
                .isEqualTo(s.equals("-") || s.isEmpty() ? null : s);
            case "message", "request" -> assertThat(request(e)).isEqualTo(s);
            default -> assertThat(NOT_EXTRACTED).as("unexpected upstream field %s", k).contains(k);
          }
        });
      });
    }
    c.finish();
  }

  private static String request(Event e) {
    Object m = e.get(Fields.HTTP_METHOD);
    Object u = e.get(Fields.URL_ORIGINAL);
    Object v = e.get("http.version");
    if (m == null) {
      return u == null ? "" : u.toString();
    }
    return m + " " + u + (v == null ? "" : " HTTP/" + v);
  }

  @Test
  void everyRealApacheCombinedLineIsAWebAccessIncludingTheTruncatedOne() throws IOException {
    String file = "web/elastic_examples_apache/apache_logs";
    List<String> lines = Files.readAllLines(Corpus.require(file), StandardCharsets.UTF_8);
    JsonNode stats = new ObjectMapper().readTree(
        Corpus.require("web/elastic_examples_apache/DERIVED_stats.json").toFile());
    Set<Integer> truncated = Set.of(stats.get("non_matching_line_numbers").get(0).asInt());
    Map<String, Integer> statuses = new TreeMap<>();
    Map<String, Integer> methods = new TreeMap<>();
    Conformance c = new Conformance(file);
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i);
      c.check("line " + lineNo, () -> {
        Event e = parse(line);
        assertThat(e.parseFailed()).isFalse();
        if (truncated.contains(lineNo)) {
          // cut inside the user agent: still a web access (the DERIVED status counts leave it out)
          assertThat(e.get(Fields.EVENT_TYPE)).as("truncated line").isEqualTo("web_access");
          assertThat(e.get(Fields.USER_AGENT).toString()).startsWith("Mozilla/5.0 (compatible; Googlebot");
          return;
        }
        assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("web_access");
        statuses.merge(String.valueOf(e.get(Fields.HTTP_STATUS)), 1, Integer::sum);
        methods.merge(String.valueOf(e.get(Fields.HTTP_METHOD)), 1, Integer::sum);
        int status = (Integer) e.get(Fields.HTTP_STATUS);
        assertThat(e.get(Fields.OUTCOME)).isEqualTo(status >= 400 ? "failure" : "success");
      });
    }
    c.finish();
    Map<String, Integer> expected = new TreeMap<>();
    stats.get("status_counts").fields().forEachRemaining(f -> expected.put(f.getKey(), f.getValue().asInt()));
    assertThat(statuses).isEqualTo(expected);
    Map<String, Integer> expectedMethods = new TreeMap<>();
    stats.get("method_counts").fields().forEachRemaining(f -> expectedMethods.put(f.getKey(), f.getValue().asInt()));
    assertThat(methods).isEqualTo(expectedMethods);
  }
}
