package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.testkit.Corpus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** influxdata/go-syslog's RFC 5424 machine cases against the strict {@link Rfc5424Parser}. */
class Rfc5424ConformanceTest {
  private static final String FILE = "syslog/go-syslog/rfc5424_machine_cases.jsonl";

  @Test
  void everyValidCaseParsesToTheExpectedFieldsAndEveryInvalidCaseIsRejected() {
    Conformance c = new Conformance(FILE);
    int i = 0;
    for (JsonNode row : Corpus.jsonl(FILE)) {
      i++;
      String name = "case " + i + " " + abbreviate(row);
      byte[] bytes = row.has("input_base64") ? Base64.getDecoder().decode(row.get("input_base64").asText())
          : row.get("input").asText().getBytes(StandardCharsets.UTF_8);
      boolean valid = row.get("valid").asBoolean();
      String input = row.has("input") ? row.get("input").asText() : null;
      if (input != null && input.contains("escape=\"\\n\"")) {
        // RFC 5424 section 6.3.3: "\" followed by another character is a literal backslash, not an error;
        // go-syslog rejects it. Phosor follows the RFC.
        c.skip("backslash before a character other than '\"', '\\', ']' is literal per RFC 5424 6.3.3 (go-syslog rejects)");
        continue;
      }
      if (valid) {
        c.check(name, () -> expectFields(Rfc5424Parser.parse(bytes), row.get("expect")));
      } else {
        c.check(name, () -> assertThatThrownBy(() -> Rfc5424Parser.parse(bytes))
            .isInstanceOf(SyslogFormatException.class));
      }
    }
    c.finish();
  }

  private static void expectFields(SyslogMessage m, JsonNode x) {
    assertThat(m.priority).isEqualTo(x.get("priority").asInt());
    assertThat(m.facility()).isEqualTo(x.get("facility").asInt());
    assertThat(m.severity()).isEqualTo(x.get("severity").asInt());
    assertThat(m.version).isEqualTo(x.get("version").asInt());
    JsonNode ts = x.get("timestamp");
    if (ts.isNull()) {
      assertThat(m.timestamp).isNull();
    } else {
      assertThat(m.timestamp).isEqualTo(instant(ts.asText()));
    }
    assertThat(m.hostname).isEqualTo(Conformance.text(x, "hostname"));
    assertThat(m.appname).isEqualTo(Conformance.text(x, "appname"));
    assertThat(m.procid).isEqualTo(Conformance.text(x, "procid"));
    assertThat(m.msgid).isEqualTo(Conformance.text(x, "msgid"));
    JsonNode msg = x.get("message");
    String full = m.message == null ? null : (m.bom ? "\uFEFF" : "") + m.message;
    if (msg.isNull()) {
      assertThat(full).isNull();
    } else if (msg.isObject()) { // not valid UTF-8: compared after decoding with replacement characters
      byte[] raw = Base64.getDecoder().decode(msg.get("base64").asText());
      assertThat(full).isEqualTo(new String(raw, StandardCharsets.UTF_8));
    } else {
      assertThat(full).isEqualTo(msg.asText());
    }
    JsonNode sd = x.get("structured_data");
    if (sd.isNull()) {
      assertThat(m.structuredData).isNull();
    } else {
      Map<String, Map<String, String>> expected = new LinkedHashMap<>();
      sd.fields().forEachRemaining(el -> {
        Map<String, String> params = new LinkedHashMap<>();
        el.getValue().fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
        expected.put(el.getKey(), params);
      });
      assertThat(m.structuredData).isEqualTo(expected);
    }
  }

  /** RFC 3339 with offsets beyond java.time's +-18:00 (go-syslog allows up to 23:59). */
  static Instant instant(String s) {
    if (s.endsWith("Z")) {
      return LocalDateTime.parse(s.substring(0, s.length() - 1)).toInstant(ZoneOffset.UTC);
    }
    int sign = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
    long offset = (Integer.parseInt(s.substring(sign + 1, sign + 3)) * 3600L
        + Integer.parseInt(s.substring(sign + 4, sign + 6)) * 60L) * (s.charAt(sign) == '-' ? -1 : 1);
    return LocalDateTime.parse(s.substring(0, sign)).toInstant(ZoneOffset.UTC).minusSeconds(offset);
  }

  static String abbreviate(JsonNode row) {
    String s = row.has("input") ? row.get("input").asText() : "b64:" + row.get("input_base64").asText();
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

}
