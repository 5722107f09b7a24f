package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz targets (Jazzer) for the text parsers: syslog RFC 5424 and RFC 3164, CEF, LEEF and
 * JSON, each parsed directly and through {@link EventParser}. In {@code ./mvnw verify} they replay the seeds
 * and saved findings under {@code src/test/resources/io/phosor/parse/ParserFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1} fuzzes one target (docs/fuzzing.md, {@code phosor-bench/run-fuzz.sh}).
 *
 * <p>Properties: a parser returns a result or throws only its documented exception, with a position inside
 * the input; {@link EventParser} never throws and never fails internally; what it produces is bounded by a
 * small multiple of the input's size.
 *
 * <p>{@link Timeout}: one input taking longer is a hang (Jazzer passes it to libFuzzer as {@code -timeout}).
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class ParserFuzzTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
  private static final EventParser PARSER = new EventParser(new ManualClock(NOW));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PARSERS = Set.of("raw", "rfc5424", "rfc3164", "json", "cef", "leef", "kv");
  /** An event's fields (names and values, as text) may take this many chars per input char, plus a constant. */
  static final int MAX_GROWTH = 32;
  static final int MAX_OVERHEAD_CHARS = 4096;

  @FuzzTest(maxDuration = "3m")
  void syslog(byte[] data) {
    String s = new String(data, StandardCharsets.UTF_8);
    try {
      checkRfc5424(Rfc5424Parser.parse(data), s.length());
    } catch (SyslogFormatException e) {
      assertThat(e.position()).as("position of \"%s\"", e.problem()).isBetween(0, data.length);
    }
    for (boolean lenient : new boolean[] {false, true}) {
      try {
        checkRfc5424(Rfc5424Parser.parse(s, lenient), s.length());
      } catch (SyslogFormatException e) {
        assertThat(e.position()).as("position of \"%s\"", e.problem()).isBetween(0, s.length());
      }
    }
    SyslogMessage bsd = Rfc3164Parser.parse(s, 0, false, ZONE, NOW.getEpochSecond());
    if (bsd != null) {
      assertThat(bsd.timestamp).isNotNull();
    }
    checkEvent(s);
  }

  @FuzzTest(maxDuration = "3m")
  void cef(byte[] data) {
    String s = new String(data, StandardCharsets.UTF_8);
    int start = s.indexOf("CEF:");
    if (start >= 0) {
      try {
        CefParser.Cef c = CefParser.parse(s, start);
        assertThat(c.header).doesNotContainNull();
        assertThat(c.extensions.keySet()).allSatisfy(k -> assertThat(k).isNotEmpty());
      } catch (BodyFormatException e) {
        assertThat(e.getMessage()).startsWith("CEF: ");
      }
    }
    checkEvent(s);
  }

  @FuzzTest(maxDuration = "3m")
  void leef(byte[] data) {
    String s = new String(data, StandardCharsets.UTF_8);
    int start = s.indexOf("LEEF:");
    if (start >= 0) {
      try {
        LeefParser.Leef l = LeefParser.parse(s, start);
        assertThat(l.version).isNotNull();
        assertThat(l.eventId).isNotNull();
      } catch (BodyFormatException e) {
        assertThat(e.getMessage()).matches("(?s)(LEEF|CEF): .*");
      }
    }
    checkEvent(s);
  }

  /**
   * A line that is one valid JSON object (by Jackson) is read as JSON; any other line starting with '{' is
   * a JSON parse error, never an internal one. The same object received over HTTP never fails.
   */
  @FuzzTest(maxDuration = "3m")
  void json(byte[] data) {
    String s = new String(data, StandardCharsets.UTF_8);
    Event e = checkEvent(s);
    JsonNode tree = readObject(s);
    if (tree != null) {
      assertThat(e.parseError()).as("valid JSON object %s", s).isNull();
      assertThat(e.get(Fields.PARSER)).isEqualTo("json");
      @SuppressWarnings("unchecked")
      Map<String, Object> object = JSON.convertValue(tree, Map.class);
      Event o = PARSER.parseObject("fuzz", "192.0.2.1", ZONE, NOW, object, s);
      assertThat(o.parseError()).as("object %s", s).isNull();
      checkBounded(o, s);
    } else if (e.parseError() != null && jsonStart(s) >= 0) {
      assertThat(e.parseError()).startsWith("JSON: ");
    }
  }

  /**
   * Where a line's JSON object starts as EventParser sees it (after trailing CR, LF, NUL are cut and
   * leading blanks and BOMs skipped), or -1 when the line does not start with '{'.
   */
  private static int jsonStart(String s) {
    int p = 0;
    while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t' || s.charAt(p) == '\uFEFF')) {
      p++;
    }
    return p < s.length() && s.charAt(p) == '{' ? p : -1;
  }

  /** The object Jackson reads from the line {@code s} when it is exactly one JSON object, else null. */
  private static JsonNode readObject(String s) {
    String t = s.replaceFirst("[\\n\\r\\x00]+$", "");
    int start = jsonStart(t);
    if (start < 0) {
      return null;
    }
    try (var p = JSON.getFactory().createParser(t.substring(start))) {
      JsonNode n = JSON.readTree(p);
      return n != null && n.isObject() && p.nextToken() == null ? n : null;
    } catch (Exception ex) {
      return null;
    }
  }

  private static void checkRfc5424(SyslogMessage m, int length) {
    assertThat(m.priority).isBetween(0, 191);
    assertThat(m.version).isBetween(1, 999);
    if (m.hostname != null) {
      assertThat(m.hostname.length()).isBetween(1, Rfc5424Parser.MAX_HOSTNAME);
    }
    if (m.appname != null) {
      assertThat(m.appname.length()).isBetween(1, Rfc5424Parser.MAX_APPNAME);
    }
    if (m.procid != null) {
      assertThat(m.procid.length()).isBetween(1, Rfc5424Parser.MAX_PROCID);
    }
    if (m.msgid != null) {
      assertThat(m.msgid.length()).isBetween(1, Rfc5424Parser.MAX_MSGID);
    }
    if (m.message != null) {
      assertThat(m.message.length()).isLessThanOrEqualTo(length);
    }
  }

  /** Parses {@code s} as one received line and checks what every event must satisfy. */
  private static Event checkEvent(String s) {
    Event e = PARSER.parseText("fuzz", "192.0.2.1", ZONE, NOW, s);
    String err = e.parseError();
    assertThat(err == null || !err.startsWith("internal")).as("internal parser error: %s", err).isTrue();
    assertThat(e.original()).isEqualTo(s);
    assertThat(e.get(Fields.PARSER)).isIn(PARSERS);
    assertThat(e.timestamp()).isNotNull();
    checkBounded(e, s);
    return e;
  }

  /** The event's fields take at most {@link #MAX_GROWTH} chars per input char (plus a constant). */
  static void checkBounded(Event e, String input) {
    long chars = 0;
    for (Map.Entry<String, Object> f : e.fields().entrySet()) {
      chars += f.getKey().length() + String.valueOf(f.getValue()).length();
    }
    assertThat(chars).as("size of the fields parsed from %d chars", input.length())
        .isLessThanOrEqualTo((long) MAX_GROWTH * input.length() + MAX_OVERHEAD_CHARS);
  }
}
