package io.phosor.parse;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.event.Severity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;

/**
 * Turns what a source received into a normalized {@link Event}. Never throws on bad input: a message
 * that cannot be parsed is returned with its raw text and {@link Event#parseError()} set.
 *
 * <p>Text is recognized in this order: RFC 5424 ({@code <PRI>VERSION SP...}), RFC 3164 ({@code <PRI>}
 * then a BSD or ISO stamp, or a bare stamp as in /var/log files), then a bare body: JSON object, CEF,
 * LEEF, web access log, key=value, or free text ({@code parsed.format=raw}). Inside a syslog MSG the same
 * body formats are recognized and well-known messages (sshd, sudo, su, PAM) are extracted. What counts as
 * a parse failure: a PRI out of range, a message that claims RFC 5424 and breaks it, a broken CEF or LEEF
 * header or attributes, and a whole line that starts with '{' and is not valid JSON. See docs/parsing.md.
 * Thread-safe: one instance can serve every source.
 */
public final class EventParser {
  /** Parser name for text that is not in any known format; not a failure. */
  static final String RAW = "raw";

  private final Clock clock;

  /** {@code clock} is used to infer the year of RFC 3164 timestamps. */
  public EventParser(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Parses one text message (a syslog frame, a file line, a HEC raw line): RFC 5424, RFC 3164, or a bare
   * body in JSON, CEF, LEEF or key=value, then extracts well-known messages (sshd, sudo, su, PAM, web
   * access logs). {@code zone} is the source's time zone for timestamps without an offset.
   */
  public Event parseText(String source, String sourceAddress, ZoneId zone, Instant ingested, String text) {
    String t = text == null ? "" : text;
    Event e = new Event(source, sourceAddress, ingested, t);
    try {
      parseInto(e, zone == null ? ZoneOffset.UTC : zone, trimEnd(t));
    } catch (RuntimeException ex) { // a parser bug must not lose the event
      Put.field(e, Fields.MESSAGE, t);
      Put.field(e, Fields.PARSER, RAW);
      e.parseError("internal parser error: " + ex);
    }
    return e;
  }

  /**
   * Normalizes one JSON object received over HTTP (webhook, /api/ingest, HEC): aliases become canonical
   * names, nested objects become dotted names, a timestamp field becomes the event time.
   * {@code original} is the object's JSON text.
   */
  public Event parseObject(String source, String sourceAddress, ZoneId zone, Instant ingested,
      Map<String, Object> object, String original) {
    Event e = new Event(source, sourceAddress, ingested, original);
    ZoneId z = zone == null ? ZoneOffset.UTC : zone;
    try {
      if (object != null && isHecEnvelope(object)) {
        putHecEnvelope(e, object);
      } else if (object != null) {
        ObjectNormalizer.putObject(e, null, object, 0);
      }
      Put.field(e, Fields.PARSER, "json");
      String text = ObjectNormalizer.normalize(e, z, nowSecond());
      enrichFromText(e, text, z);
    } catch (RuntimeException ex) {
      e.parseError("internal parser error: " + ex);
    }
    return e;
  }

  /**
   * A Splunk HEC event envelope ({@code {"time":..., "host":..., "sourcetype":..., "event": ...}}): "event"
   * is a string, or an object next to HEC's metadata keys.
   */
  static boolean isHecEnvelope(Map<String, Object> o) {
    Object ev = o.get("event");
    if (ev instanceof String) {
      return true;
    }
    return ev instanceof Map<?, ?> && (o.containsKey("sourcetype") || o.containsKey("time")
        || o.containsKey("fields") || o.containsKey("index"));
  }

  /** The HEC event's own fields go to the top level; its "fields" (indexed fields) too; metadata keeps its name. */
  private static void putHecEnvelope(Event e, Map<String, Object> o) {
    for (Map.Entry<String, Object> en : o.entrySet()) {
      Object v = en.getValue();
      switch (en.getKey()) {
        case "event" -> {
          if (v instanceof Map<?, ?> m) {
            ObjectNormalizer.putObject(e, null, m, 1);
          } else if (v != null) {
            Put.field(e, Fields.MESSAGE, v.toString());
          }
        }
        case "fields" -> {
          if (v instanceof Map<?, ?> m) {
            ObjectNormalizer.putObject(e, null, m, 1);
          }
        }
        case "sourcetype" -> e.put("event.dataset", v);
        case "source" -> e.put("log.file.path", v);
        default -> {
          if (v instanceof Map<?, ?> m) {
            ObjectNormalizer.putObject(e, en.getKey(), m, 1);
          } else if (v != null) {
            ObjectNormalizer.putField(e, en.getKey(), v);
          }
        }
      }
    }
  }

  Clock clock() {
    return clock;
  }

  private long nowSecond() {
    return Math.floorDiv(clock.millis(), 1000);
  }

  private static String trimEnd(String t) {
    int end = t.length();
    while (end > 0) {
      char c = t.charAt(end - 1);
      if (c != '\n' && c != '\r' && c != '\0') {
        break;
      }
      end--;
    }
    return end == t.length() ? t : t.substring(0, end);
  }

  private void parseInto(Event e, ZoneId zone, String s) {
    int n = s.length();
    if (n > 0 && s.charAt(0) == '<') {
      int q = 1;
      int pri = 0;
      while (q < n && q <= 6 && s.charAt(q) >= '0' && s.charAt(q) <= '9') {
        pri = pri * 10 + s.charAt(q) - '0';
        q++;
      }
      int digits = q - 1;
      if (digits >= 1 && q < n && s.charAt(q) == '>') {
        if (digits > 3 || pri > 191) {
          fail(e, s, "syslog: PRI <" + s.substring(1, q) + "> is out of the range 0-191 (RFC 5424 section 6.2.1)");
          return;
        }
        int body = q + 1;
        int v = body;
        while (v < n && v - body < 4 && s.charAt(v) >= '0' && s.charAt(v) <= '9') {
          v++;
        }
        if (v > body && v < n && s.charAt(v) == ' ' && v - body <= 3) {
          SyslogMessage m;
          try {
            m = Rfc5424Parser.parse(s, true);
          } catch (SyslogFormatException ex) {
            putPriority(e, pri);
            fail(e, s, "RFC 5424: " + ex.getMessage());
            return;
          }
          putSyslog(e, m);
          body(e, m.message, m.appname, zone, "rfc5424");
          return;
        }
        SyslogMessage m = Rfc3164Parser.parse(s, body, true, zone, nowSecond());
        m.priority = pri;
        putSyslog(e, m);
        body(e, m.message, m.appname, zone, "rfc3164");
        return;
      }
    }
    bare(e, s, zone);
  }

  /** A line without PRI: JSON, CEF, LEEF, a BSD/ISO-stamped syslog line, a web access line, kv, or raw. */
  private void bare(Event e, String s, ZoneId zone) {
    int p = 0;
    int n = s.length();
    while (p < n && (s.charAt(p) == ' ' || s.charAt(p) == '\t' || s.charAt(p) == '\uFEFF')) {
      p++;
    }
    if (p >= n) {
      Put.field(e, Fields.MESSAGE, s);
      Put.field(e, Fields.PARSER, RAW);
      return;
    }
    char c = s.charAt(p);
    if (c == '{') {
      try {
        ObjectNormalizer.putJson(e, s, p);
      } catch (BodyFormatException ex) {
        e.mutableFields().clear();
        fail(e, s, ex.getMessage());
        return;
      }
      Put.field(e, Fields.PARSER, "json");
      String text = ObjectNormalizer.normalize(e, zone, nowSecond(), false);
      e.putIfAbsent(Fields.MESSAGE, s);
      enrichFromText(e, text, zone);
      return;
    }
    if (c == 'C' && s.startsWith("CEF:", p)) {
      Put.field(e, Fields.MESSAGE, s);
      cef(e, s, p, zone);
      return;
    }
    if (c == 'L' && s.startsWith("LEEF:", p)) {
      Put.field(e, Fields.MESSAGE, s);
      leef(e, s, p, zone);
      return;
    }
    SyslogMessage m = Rfc3164Parser.parse(s, p, false, zone, nowSecond());
    if (m != null) {
      putSyslog(e, m);
      body(e, m.message, m.appname, zone, "rfc3164");
      return;
    }
    Put.field(e, Fields.MESSAGE, s);
    Put.field(e, Fields.PARSER, RAW);
    if (WebAccessParser.parse(s, p, zone, e, true)) {
      return;
    }
    Map<String, String> kv = KvParser.parse(s, p);
    if (kv != null) {
      putKv(e, kv, zone);
      return;
    }
    AuthExtractor.extract(e, null, s);
  }

  /** The MSG of a syslog message: a CEF/LEEF/JSON/kv body, or a well-known message to extract from. */
  private void body(Event e, String msg, String app, ZoneId zone, String format) {
    Put.field(e, Fields.PARSER, format);
    if (msg == null) {
      return;
    }
    Put.field(e, Fields.MESSAGE, msg);
    int p = 0;
    int n = msg.length();
    while (p < n && msg.charAt(p) == ' ') {
      p++;
    }
    if (p >= n) {
      return;
    }
    char c = msg.charAt(p);
    if (c == 'C' && msg.startsWith("CEF:", p)) {
      cef(e, msg, p, zone);
      return;
    }
    if (c == 'L' && msg.startsWith("LEEF:", p)) {
      leef(e, msg, p, zone);
      return;
    }
    if (c == '{' && msg.charAt(n - 1) == '}') {
      // a syslog MSG is free text: when it is not valid JSON it simply stays the message
      Event probe = new Event(e.source(), e.sourceAddress(), e.ingested(), msg);
      try {
        ObjectNormalizer.putJson(probe, msg, p);
        String text = ObjectNormalizer.normalize(probe, zone, nowSecond(), false);
        for (Map.Entry<String, Object> f : probe.fields().entrySet()) {
          Put.field(e, f.getKey(), f.getValue());
        }
        if (!probe.timestamp().equals(probe.ingested())) {
          e.timestamp(probe.timestamp());
        }
        Put.field(e, Fields.PARSER, "json");
        enrichFromText(e, text, zone);
        return;
      } catch (BodyFormatException ex) {
        // not JSON after all
      }
    }
    if (AuthExtractor.extract(e, app, msg)) {
      return;
    }
    if (WebAccessParser.parse(msg, p, zone, e, e.timestamp().equals(e.ingested()))) {
      return;
    }
    Map<String, String> kv = KvParser.parse(msg, p);
    if (kv != null) {
      putKv(e, kv, zone);
    }
  }

  /**
   * Runs text extraction on a JSON event's message or raw text (e.g. a shipped sshd line); fields the
   * object already had are kept.
   */
  private void enrichFromText(Event e, String text, ZoneId zone) {
    if (text == null || text.length() < 8 || e.get(Fields.EVENT_TYPE) != null) {
      return;
    }
    char c = text.charAt(0);
    if (c == '{') {
      return;
    }
    Event scratch = new Event(e.source(), e.sourceAddress(), e.ingested(), text);
    parseInto(scratch, zone, trimEnd(text));
    if (scratch.parseFailed()) {
      return;
    }
    boolean extracted = scratch.get(Fields.EVENT_TYPE) != null;
    if (!extracted && !"rfc3164".equals(scratch.get(Fields.PARSER)) && !"rfc5424".equals(scratch.get(Fields.PARSER))) {
      return;
    }
    for (Map.Entry<String, Object> f : scratch.fields().entrySet()) {
      String k = f.getKey();
      if (!k.equals(Fields.MESSAGE) && !k.equals(Fields.PARSER)) {
        e.putIfAbsent(k, f.getValue());
      }
    }
    if (e.timestamp().equals(e.ingested()) && !scratch.timestamp().equals(scratch.ingested())) {
      e.timestamp(scratch.timestamp());
    }
  }

  private static void fail(Event e, String s, String reason) {
    Put.field(e, Fields.MESSAGE, s);
    Put.field(e, Fields.PARSER, RAW);
    e.parseError(reason);
  }

  private static void putPriority(Event e, int pri) {
    int sev = pri & 7;
    int fac = pri >> 3;
    Put.field(e, Fields.SYSLOG_PRIORITY, Put.integer(pri));
    Put.field(e, Fields.SYSLOG_FACILITY_CODE, fac);
    Put.field(e, Fields.SYSLOG_FACILITY_NAME, SyslogNames.facility(fac));
    Put.field(e, Fields.SYSLOG_SEVERITY_CODE, sev);
    Put.field(e, Fields.SYSLOG_SEVERITY_NAME, SyslogNames.severity(sev));
    Put.field(e, Fields.SEVERITY, SyslogNames.label(Severity.fromSyslog(sev)));
  }

  private static void putSyslog(Event e, SyslogMessage m) {
    if (m.priority >= 0) {
      putPriority(e, m.priority);
    }
    if (m.version > 0) {
      Put.field(e, Fields.SYSLOG_VERSION, m.version);
    }
    if (m.timestamp != null) {
      e.timestamp(m.timestamp);
    }
    if (m.hostname != null) {
      Put.field(e, Fields.SYSLOG_HOSTNAME, m.hostname);
      Put.field(e, Fields.HOST_NAME, m.hostname);
    }
    if (m.appname != null) {
      Put.field(e, Fields.SYSLOG_APPNAME, m.appname);
      Put.field(e, Fields.PROCESS_NAME, m.appname);
    }
    if (m.procid != null) {
      Put.field(e, Fields.SYSLOG_PROCID, m.procid);
      int pid = AuthExtractor.parseInt(m.procid, 0, m.procid.length());
      if (pid >= 0) {
        Put.field(e, Fields.PROCESS_PID, pid);
      }
    }
    if (m.msgid != null) {
      Put.field(e, Fields.SYSLOG_MSGID, m.msgid);
    }
    if (m.structuredData != null) {
      Put.field(e, Fields.SYSLOG_STRUCTURED_DATA, m.structuredData);
    }
  }

  private void cef(Event e, String s, int p, ZoneId zone) {
    CefParser.Cef c;
    try {
      c = CefParser.parse(s, p);
    } catch (BodyFormatException ex) {
      Put.field(e, Fields.PARSER, "cef");
      e.parseError(ex.getMessage());
      return;
    }
    Put.field(e, Fields.PARSER, "cef");
    for (int i = 0; i < 7; i++) {
      Put.field(e, CefParser.HEADER_NAMES[i], c.header[i]);
    }
    String sev = SecurityFields.severity(c.header[6]);
    if (sev != null) {
      Put.field(e, Fields.SEVERITY, sev);
    }
    for (Map.Entry<String, String> x : c.extensions.entrySet()) {
      Put.field(e, "cef.extensions." + x.getKey(), x.getValue());
    }
    SecurityFields.map(e, c.extensions, zone, nowSecond());
    if (!c.extensions.containsKey("msg") && c.header[5] != null && !c.header[5].isEmpty()) {
      Put.field(e, Fields.MESSAGE, c.header[5]);
    }
  }

  private void leef(Event e, String s, int p, ZoneId zone) {
    LeefParser.Leef l;
    try {
      l = LeefParser.parse(s, p);
    } catch (BodyFormatException ex) {
      Put.field(e, Fields.PARSER, "leef");
      e.parseError(ex.getMessage());
      return;
    }
    Put.field(e, Fields.PARSER, "leef");
    Put.field(e, "leef.version", l.version);
    Put.field(e, "leef.device.vendor", l.vendor);
    Put.field(e, "leef.device.product", l.product);
    Put.field(e, "leef.device.version", l.productVersion);
    Put.field(e, "leef.event_id", l.eventId);
    for (Map.Entry<String, String> x : l.attributes.entrySet()) {
      Put.field(e, "leef.attributes." + x.getKey(), x.getValue());
    }
    String sev = SecurityFields.severity(l.attributes.get("sev"));
    if (sev != null) {
      Put.field(e, Fields.SEVERITY, sev);
    }
    SecurityFields.map(e, l.attributes, zone, nowSecond());
  }

  private void putKv(Event e, Map<String, String> kv, ZoneId zone) {
    for (Map.Entry<String, String> x : kv.entrySet()) {
      ObjectNormalizer.putField(e, x.getKey(), x.getValue());
    }
    Put.field(e, Fields.PARSER, "kv"); // after the pairs: "parsed.format=x" in the text must not replace it
    SecurityFields.mapKv(e, kv, zone, nowSecond());
  }
}
