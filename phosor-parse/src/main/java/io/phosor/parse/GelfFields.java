package io.phosor.parse;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.event.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recognizes a GELF 1.1 message (Graylog Extended Log Format, https://go2docs.graylog.org/current/
 * getting_in_log_data/gelf.html, "GELF Payload Specification") among JSON objects and maps its fields onto ECS:
 * {@code short_message} -> {@code message}, {@code host} -> {@code host.name}, {@code timestamp} (seconds since
 * the epoch, with decimals) -> {@code @timestamp}, {@code level} (syslog severity 0-7) ->
 * {@code log.syslog.severity.*} and {@code event.severity}, additional {@code _name} fields -> {@code name}
 * (through the aliases, so {@code _user} becomes {@code user.name}); {@code full_message} keeps its name.
 * Runs on the flattened fields, before the generic normalization; whatever the sender shipped the GELF object
 * over (the GELF listeners, the webhook, HEC, syslog) it is read the same way.
 */
final class GelfFields {
  private GelfFields() {}

  /** The parser name GELF events carry in {@code parsed.format}. */
  static final String FORMAT = "gelf";
  /** GELF's required field; with {@code version} it tells a GELF object from any other JSON. */
  private static final String SHORT_MESSAGE = "short_message";

  /** True when the flattened fields are a GELF message: {@code version} and {@code short_message} are present. */
  static boolean isGelf(Map<String, Object> f) {
    return f.containsKey(SHORT_MESSAGE) && f.containsKey("version");
  }

  /** Maps the GELF fields of {@code e} in place. */
  static void apply(Event e) {
    Map<String, Object> f = e.mutableFields();
    List<String> additional = null;
    for (String k : f.keySet()) {
      if (k.length() > 1 && k.charAt(0) == '_') {
        if (additional == null) {
          additional = new ArrayList<>();
        }
        additional.add(k);
      }
    }
    if (additional != null) {
      for (String k : additional) {
        Object v = f.remove(k);
        // "_id" is reserved by GELF; other names go through the aliases like any JSON field
        ObjectNormalizer.putField(e, k.equals("_id") ? "gelf.id" : k.substring(1), v);
      }
    }
    f.remove("version");
    Object ts = f.get(ObjectNormalizer.RESERVED_PREFIX + Fields.TIMESTAMP);
    if (ts instanceof Number n && Double.isFinite(n.doubleValue())) {
      // seconds with decimals for the milliseconds (the specification); a double carries no more precision
      f.remove(ObjectNormalizer.RESERVED_PREFIX + Fields.TIMESTAMP);
      e.timestamp(Instant.ofEpochMilli(Math.round(n.doubleValue() * 1000)));
    }
    Object shortMessage = f.remove(SHORT_MESSAGE);
    if (shortMessage != null) {
      Put.field(e, Fields.MESSAGE, shortMessage.toString());
    }
    Object level = f.remove("level");
    int code = level instanceof Number n ? n.intValue()
        : level instanceof String s ? AuthExtractor.parseInt(s, 0, s.length()) : -1;
    if (code >= 0 && code <= 7) {
      Put.field(e, Fields.SYSLOG_SEVERITY_CODE, code);
      Put.field(e, Fields.SYSLOG_SEVERITY_NAME, SyslogNames.severity(code));
      f.putIfAbsent(Fields.SEVERITY, SyslogNames.label(Severity.fromSyslog(code)));
    } else if (level != null) {
      f.put("level", level); // not a syslog level: the generic normalization may still read a word
    }
    Object facility = f.remove("facility");
    if (facility != null) {
      Put.field(e, Fields.SYSLOG_FACILITY_NAME, facility.toString());
    }
    Object file = f.remove("file");
    if (file != null) {
      Put.field(e, "log.origin.file.name", file.toString());
    }
    Object line = f.remove("line");
    if (line != null) {
      Put.field(e, "log.origin.file.line", line);
    }
    Put.field(e, Fields.PARSER, FORMAT);
  }
}
