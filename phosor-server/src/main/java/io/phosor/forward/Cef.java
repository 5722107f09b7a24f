package io.phosor.forward;

import io.phosor.event.Fields;
import io.phosor.event.Severity;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ArcSight Common Event Format (CEF) version 0, as the "Implementation Standard for ArcSight Common Event Format" defines
 * it: {@code CEF:0|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension}. In the
 * header a backslash and a pipe are escaped with a backslash and a line break is not allowed (it becomes a space); in
 * extension values a backslash and an equal sign are escaped and line breaks are written as {@code \n} and
 * {@code \r}. Extension keys are the standard ones (src, suser, shost, msg, rt, cs1/cs1Label, ...). Lengths follow the
 * standard's limits (vendor and product 63, version 31, event class id 1023, name 512, values 1023), so no receiver
 * cuts a record in the middle of an escape.
 */
final class Cef {
  static final String VENDOR = "Phosor";
  static final String PRODUCT = "Phosor";
  static final String VERSION = version();
  /** The standard's longest extension value for most keys (cs1-cs6 allow 4000, but not every receiver does). */
  static final int MAX_VALUE = 1023;
  static final int MAX_NAME = 512;
  static final int MAX_CLASS_ID = 1023;

  private Cef() {}

  private static String version() {
    String v = Cef.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The CEF line of a record. */
  static String format(Item item) {
    Map<String, Object> d = item.doc();
    Map<String, String> ext = new LinkedHashMap<>();
    String classId;
    String name;
    switch (item.kind()) {
      case EVENTS -> {
        classId = first(str(d.get(Fields.ACTION)), str(d.get(Fields.EVENT_TYPE)), "event");
        name = first(str(d.get(Fields.MESSAGE)), str(d.get(Fields.ORIGINAL)), "event");
        put(ext, "rt", millis(item.time()));
        put(ext, "externalId", str(d.get(Fields.ID)));
        put(ext, "cat", "event");
        put(ext, "src", str(d.get(Fields.SOURCE_IP)));
        put(ext, "spt", str(d.get(Fields.SOURCE_PORT)));
        put(ext, "dst", str(d.get(Fields.DESTINATION_IP)));
        put(ext, "dpt", str(d.get(Fields.DESTINATION_PORT)));
        put(ext, "suser", str(d.get(Fields.USER_NAME)));
        put(ext, "duser", str(d.get(Fields.USER_TARGET_NAME)));
        put(ext, "shost", str(d.get(Fields.HOST_NAME)));
        put(ext, "sproc", str(d.get(Fields.PROCESS_NAME)));
        put(ext, "spid", str(d.get(Fields.PROCESS_PID)));
        put(ext, "act", str(d.get(Fields.ACTION)));
        put(ext, "outcome", str(d.get(Fields.OUTCOME)));
        put(ext, "requestMethod", str(d.get(Fields.HTTP_METHOD)));
        put(ext, "request", str(d.get(Fields.URL_ORIGINAL)));
        put(ext, "msg", str(d.get(Fields.MESSAGE)));
        custom(ext, 1, "phosor_source", str(d.get(Fields.SOURCE)));
        custom(ext, 2, "event_type", str(d.get(Fields.EVENT_TYPE)));
      }
      case ALERTS -> {
        classId = first(str(d.get("rule")), "alert");
        name = first(str(d.get("rule_name")), str(d.get("rule")), "alert");
        Map<?, ?> group = d.get("group") instanceof Map<?, ?> g ? g : Map.of();
        put(ext, "rt", millis(item.time()));
        put(ext, "externalId", str(d.get("id")));
        put(ext, "cat", "alert");
        put(ext, "start", millis(instant(d.get("first_seen"))));
        put(ext, "end", millis(instant(d.get("last_seen"))));
        put(ext, "cnt", str(d.get("count")));
        put(ext, "src", str(group.get(Fields.SOURCE_IP)));
        put(ext, "suser", str(group.get(Fields.USER_NAME)));
        put(ext, "shost", str(group.get(Fields.HOST_NAME)));
        put(ext, "msg", str(d.get("summary")));
        custom(ext, 1, "rule_id", str(d.get("rule")));
        custom(ext, 2, "tags", str(d.get("tags")));
        custom(ext, 3, "status", str(d.get("status")));
      }
      case INCIDENTS -> {
        Map<?, ?> change = d.get("change") instanceof Map<?, ?> c ? c : Map.of();
        String kind = first(str(change.get("kind")), "changed");
        classId = "incident_" + kind;
        name = first(str(d.get("title")), "incident");
        String entityType = str(d.get("entity_type"));
        String entity = str(d.get("entity_value"));
        put(ext, "rt", millis(item.time()));
        put(ext, "externalId", str(d.get("id")));
        put(ext, "cat", "incident");
        put(ext, "act", kind);
        put(ext, "cnt", str(d.get("alert_count")));
        if ("ip".equals(entityType)) {
          put(ext, "src", entity);
        } else if ("user".equals(entityType)) {
          put(ext, "suser", entity);
        } else if ("host".equals(entityType)) {
          put(ext, "shost", entity);
        }
        put(ext, "msg", str(change.get("detail")));
        custom(ext, 1, "status", str(d.get("status")));
        custom(ext, 2, "entity", entityType == null ? null : entityType + ":" + entity);
        custom(ext, 3, "assignee", str(d.get("assignee")));
        custom(ext, 4, "changed_by", str(change.get("by")));
      }
      default -> throw new IllegalStateException(item.kind().toString());
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append("CEF:0|").append(header(VENDOR, 63)).append('|').append(header(PRODUCT, 63)).append('|')
        .append(header(VERSION, 31)).append('|').append(header(classId, MAX_CLASS_ID)).append('|')
        .append(header(name, MAX_NAME)).append('|').append(severity(item.severity())).append('|');
    boolean firstPair = true;
    for (Map.Entry<String, String> e : ext.entrySet()) {
      if (!firstPair) {
        sb.append(' ');
      }
      firstPair = false;
      sb.append(e.getKey()).append('=').append(extension(e.getValue()));
    }
    return sb.toString();
  }

  /** CEF severity 0-10: informational 1, low 3, medium 5, high 8, critical 10 (the standard's bands). */
  static int severity(Severity s) {
    if (s == null) {
      return 1;
    }
    return switch (s) {
      case INFORMATIONAL -> 1;
      case LOW -> 3;
      case MEDIUM -> 5;
      case HIGH -> 8;
      case CRITICAL -> 10;
    };
  }

  /**
   * A header field: backslash and pipe escaped, line breaks and other control characters replaced by a space, at most
   * {@code max} characters before escaping (never cut inside an escape).
   */
  static String header(String v, int max) {
    String s = cut(v, max);
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '|' -> sb.append("\\|");
        default -> sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
      }
    }
    return sb.toString();
  }

  /**
   * An extension value: backslash and equal sign escaped, CR and LF written as {@code \r} and {@code \n}, other control
   * characters replaced by a space, at most {@link #MAX_VALUE} characters before escaping.
   */
  static String extension(String v) {
    String s = cut(v, MAX_VALUE);
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '=' -> sb.append("\\=");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
      }
    }
    return sb.toString();
  }

  /** At most {@code max} characters, never half a surrogate pair. */
  private static String cut(String v, int max) {
    if (v == null) {
      return "";
    }
    if (v.length() <= max) {
      return v;
    }
    int end = Character.isHighSurrogate(v.charAt(max - 1)) ? max - 1 : max;
    return v.substring(0, end);
  }

  private static void put(Map<String, String> ext, String key, String value) {
    if (value != null && !value.isEmpty()) {
      ext.put(key, value);
    }
  }

  private static void custom(Map<String, String> ext, int n, String label, String value) {
    if (value != null && !value.isEmpty()) {
      ext.put("cs" + n + "Label", label);
      ext.put("cs" + n, value);
    }
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }

  private static String str(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Collection<?> c) {
      return String.join(",", c.stream().map(String::valueOf).toList());
    }
    return v.toString();
  }

  private static Instant instant(Object v) {
    if (v instanceof String s) {
      try {
        return Instant.parse(s);
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  private static String millis(Instant t) {
    return t == null ? null : Long.toString(t.toEpochMilli());
  }
}
