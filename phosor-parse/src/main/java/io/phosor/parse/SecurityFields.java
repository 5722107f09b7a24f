package io.phosor.parse;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.event.Severity;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the well-known keys of CEF extensions, LEEF attributes and key=value bodies onto ECS fields
 * (CEF key dictionary of "Implementing ArcSight CEF", LEEF predefined attributes of IBM QRadar), and
 * the CEF/LEEF severity scales onto Phosor's five levels.
 */
final class SecurityFields {
  private SecurityFields() {}

  /** devTimeFormat patterns seen so far; bounded because the pattern comes from the sender. */
  private static final int MAX_FORMATS = 64;
  private static final Map<String, DateTimeFormatter> FORMATS = new ConcurrentHashMap<>();

  /**
   * CEF severity (0-3 low, 4-6 medium, 7-8 high, 9-10 very high, per the CEF spec) or its words
   * (Low, Medium, High, Very-High, Unknown); LEEF "sev" uses the same 1-10 scale. Null when unknown.
   */
  static String severity(String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    int n = AuthExtractor.parseInt(v, 0, v.length());
    if (n >= 0) {
      if (n <= 3) {
        return SyslogNames.label(Severity.LOW);
      }
      if (n <= 6) {
        return SyslogNames.label(Severity.MEDIUM);
      }
      if (n <= 8) {
        return SyslogNames.label(Severity.HIGH);
      }
      return n <= 10 ? SyslogNames.label(Severity.CRITICAL) : null;
    }
    String w = v.toLowerCase(Locale.ROOT);
    if (w.equals("very-high") || w.equals("very high") || w.equals("veryhigh")) {
      return SyslogNames.label(Severity.CRITICAL);
    }
    Severity s = Severity.parse(w);
    return s == null ? null : SyslogNames.label(s);
  }

  /** ECS mapping of CEF extension keys and LEEF attributes (both vocabularies are recognized). */
  static void map(Event e, Map<String, String> x, ZoneId zone, long now) {
    String time = null;
    for (Map.Entry<String, String> en : x.entrySet()) {
      String v = en.getValue();
      if (v == null || v.isEmpty()) {
        continue;
      }
      switch (en.getKey()) {
        case "src", "sourceAddress" -> Put.field(e, Fields.SOURCE_IP, v);
        case "dst", "destinationAddress" -> Put.field(e, Fields.DESTINATION_IP, v);
        case "spt", "srcPort", "sourcePort" -> port(e, Fields.SOURCE_PORT, v);
        case "dpt", "dstPort", "destinationPort" -> port(e, Fields.DESTINATION_PORT, v);
        case "suser", "usrName", "sourceUserName" -> Put.field(e, Fields.USER_NAME, v);
        case "duser", "destinationUserName" -> Put.field(e, Fields.USER_TARGET_NAME, v);
        case "shost", "srcHostName", "sourceHostName" -> Put.field(e, "source.domain", v);
        case "dhost", "dstHostName", "destinationHostName" -> Put.field(e, "destination.domain", v);
        case "act", "deviceAction", "action" -> Put.field(e, Fields.ACTION, v);
        case "msg", "message" -> Put.field(e, Fields.MESSAGE, v);
        case "app" -> Put.field(e, "network.protocol", v.toLowerCase(Locale.ROOT));
        case "proto", "transportProtocol" -> Put.field(e, "network.transport", v.toLowerCase(Locale.ROOT));
        case "request", "url" -> Put.field(e, Fields.URL_ORIGINAL, v);
        case "requestMethod", "method" -> Put.field(e, Fields.HTTP_METHOD, v);
        case "dvchost", "identHostName" -> e.putIfAbsent(Fields.HOST_NAME, v);
        case "outcome" -> {
          String o = ObjectNormalizer.outcome(v);
          if (o != null) {
            Put.field(e, Fields.OUTCOME, o);
          }
        }
        case "rt", "devTime" -> time = v;
        case "end", "start" -> {
          if (time == null) {
            time = v;
          }
        }
        default -> { }
      }
    }
    if (time != null) {
      Instant t = Timestamps.parseAny(time, zone, now);
      if (t == null) {
        t = withFormat(time, x.get("devTimeFormat"), zone);
      }
      if (t != null) {
        e.timestamp(t);
      }
    }
  }

  /** key=value bodies: IPs, ports, users and FortiGate's date/time/devname/level. */
  static void mapKv(Event e, Map<String, String> kv, ZoneId zone, long now) {
    for (Map.Entry<String, String> en : kv.entrySet()) {
      String v = en.getValue();
      if (v.isEmpty()) {
        continue;
      }
      switch (en.getKey()) {
        case "srcip", "src", "source_address" -> e.putIfAbsent(Fields.SOURCE_IP, v);
        case "dstip", "dst" -> e.putIfAbsent(Fields.DESTINATION_IP, v);
        case "srcport", "spt" -> portIfAbsent(e, Fields.SOURCE_PORT, v);
        case "dstport", "dpt" -> portIfAbsent(e, Fields.DESTINATION_PORT, v);
        case "devname" -> Put.field(e, Fields.HOST_NAME, v); // FortiGate: the reporting device
        case "level" -> {
          Severity s = Severity.parse(v);
          if (s != null) {
            e.putIfAbsent(Fields.SEVERITY, SyslogNames.label(s));
          }
        }
        case "action" -> e.putIfAbsent(Fields.ACTION, v);
        default -> { }
      }
    }
    String date = kv.get("date");
    String time = kv.get("time");
    if (date != null && time != null) {
      ZoneId z = zone;
      String tz = kv.get("tz");
      if (tz != null) {
        ZoneId parsed = Timestamps.zoneOf(tz.replace("\"", ""));
        z = parsed == null ? zone : parsed;
      }
      Instant t = Timestamps.parseAny(date + "T" + time, z, now);
      if (t != null) {
        e.timestamp(t);
      }
    }
  }

  private static void port(Event e, String field, String v) {
    int p = AuthExtractor.parseInt(v, 0, v.length());
    if (p >= 0 && p <= 65_535) {
      Put.field(e, field, p);
    }
  }

  private static void portIfAbsent(Event e, String field, String v) {
    if (e.get(field) == null) {
      port(e, field, v);
    }
  }

  /** LEEF devTime with its devTimeFormat (a java.text.SimpleDateFormat pattern, mostly DateTimeFormatter-compatible). */
  static Instant withFormat(String value, String pattern, ZoneId zone) {
    if (pattern == null || pattern.isEmpty() || pattern.length() > 64) {
      return null;
    }
    try {
      DateTimeFormatter f = FORMATS.get(pattern);
      if (f == null) {
        f = DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH);
        if (FORMATS.size() < MAX_FORMATS) {
          FORMATS.put(pattern, f);
        }
      }
      TemporalAccessor t = f.withZone(zone).parse(value);
      if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
        return Instant.from(t);
      }
      return ZonedDateTime.from(t).toInstant();
    } catch (RuntimeException ex) {
      return null;
    }
  }
}
