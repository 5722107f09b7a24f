package io.phosor.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.event.Severity;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * Puts JSON objects into events: nested objects become dotted names, every name goes through
 * {@link Fields#canonical}, names that collide with an event's first-class properties are moved aside,
 * and the well-known fields are normalized afterwards (GELF messages, Windows event records, time, severity,
 * outcome, CortexSOC's login body).
 */
final class ObjectNormalizer {
  private ObjectNormalizer() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  /** Nesting deeper than this is kept as one value instead of being flattened further. */
  static final int MAX_DEPTH = 16;

  /**
   * A nested object whose dotted name is longer than this is kept as one value too: every field inside
   * it repeats the name, so a long name over many small fields would cost (name x fields) characters, a
   * quadratic blow-up of the input (found by fuzzing: 4 KB of JSON became 0.56 M chars of field names,
   * and a 5 MB webhook body could have taken terabytes).
   */
  static final int MAX_PREFIX_CHARS = 128;

  /** Prefix for names that would overwrite a first-class property of the event (error.message, event.id...). */
  static final String RESERVED_PREFIX = "parsed.reserved.";

  /** Flattens a parsed object into {@code e}. */
  static void putObject(Event e, String prefix, Map<?, ?> object, int depth) {
    if (prefix != null && prefix.length() > MAX_PREFIX_CHARS) {
      putField(e, prefix, object);
      return;
    }
    for (Map.Entry<?, ?> en : object.entrySet()) {
      String key = prefix == null ? String.valueOf(en.getKey()) : prefix + "." + en.getKey();
      Object v = en.getValue();
      if (v instanceof Map<?, ?> nested && depth < MAX_DEPTH && !nested.isEmpty()) {
        putObject(e, key, nested, depth + 1);
      } else if (v != null) {
        putField(e, key, v);
      }
    }
  }

  /**
   * Streams a JSON object text into {@code e} (no intermediate tree for objects). Throws
   * {@link BodyFormatException} when the text is not one valid JSON object.
   */
  static void putJson(Event e, String text, int start) {
    try (JsonParser p = FACTORY.createParser(text.substring(start))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BodyFormatException("JSON", start, "expecting an object");
      }
      readObject(e, p, null, 0);
      if (p.nextToken() != null) {
        throw new BodyFormatException("JSON", start + (int) p.currentTokenLocation().getCharOffset(),
            "unexpected text after the object");
      }
    } catch (IOException ex) {
      String msg = ex.getMessage();
      int nl = msg == null ? -1 : msg.indexOf('\n');
      throw new BodyFormatException("JSON", start, nl > 0 ? msg.substring(0, nl) : String.valueOf(msg));
    }
  }

  private static void readObject(Event e, JsonParser p, String prefix, int depth) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      String key = prefix == null ? name : prefix + "." + name;
      JsonToken v = p.nextToken();
      switch (v) {
        case START_OBJECT -> {
          if (depth < MAX_DEPTH && key.length() <= MAX_PREFIX_CHARS) {
            readObject(e, p, key, depth + 1);
          } else {
            putField(e, key, p.readValueAs(Map.class));
          }
        }
        case START_ARRAY -> putField(e, key, p.readValueAs(List.class));
        case VALUE_STRING -> putField(e, key, p.getText());
        case VALUE_NUMBER_INT -> putField(e, key, p.getNumberValue());
        case VALUE_NUMBER_FLOAT -> putField(e, key, p.getDoubleValue());
        case VALUE_TRUE -> putField(e, key, Boolean.TRUE);
        case VALUE_FALSE -> putField(e, key, Boolean.FALSE);
        default -> { } // null: absent
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new BodyFormatException("JSON", (int) p.currentTokenLocation().getCharOffset(), "expecting a field name");
    }
  }

  /** Puts one field under its canonical name; reserved names are moved aside, time fields kept for later. */
  static void putField(Event e, String name, Object value) {
    String key = Fields.canonical(name);
    switch (key) {
      case Fields.TIMESTAMP, Fields.INGESTED, Fields.SOURCE, Fields.SOURCE_ADDRESS, Fields.ID,
          Fields.PARSE_ERROR -> e.put(RESERVED_PREFIX + key, value);
      case Fields.ORIGINAL -> e.put(RESERVED_PREFIX + "raw", value);
      default -> e.put(key, value);
    }
  }

  /**
   * Normalizes the well-known fields after the object was put: event time, severity word, outcome and
   * CortexSOC's login events; returns the text worth running message extraction on (message or raw).
   */
  static String normalize(Event e, ZoneId zone, long nowEpochSecond) {
    return normalize(e, zone, nowEpochSecond, true);
  }

  /**
   * As {@link #normalize(Event, ZoneId, long)}; {@code rawIsOriginal} false keeps the event's original text
   * (a JSON line read from a file or syslog is itself the original) and leaves "raw" under
   * {@code parsed.reserved.raw}.
   */
  static String normalize(Event e, ZoneId zone, long nowEpochSecond, boolean rawIsOriginal) {
    Map<String, Object> f = e.mutableFields();
    if (GelfFields.isGelf(f)) {
      GelfFields.apply(e);
    }
    if (WindowsEvents.isWindows(f)) {
      WindowsEvents.apply(e, zone, nowEpochSecond);
    }
    Object ts = f.remove(RESERVED_PREFIX + Fields.TIMESTAMP);
    Object time = ts != null ? ts : f.get("time");
    if (time != null) {
      Instant t = Timestamps.parseAny(time, zone, nowEpochSecond);
      if (t != null) {
        e.timestamp(t);
        if (ts == null) {
          f.remove("time");
        }
      } else if (ts != null) {
        f.put(RESERVED_PREFIX + Fields.TIMESTAMP, ts); // keep what could not be read
      }
    }
    Object sev = f.get(Fields.SEVERITY);
    if (sev instanceof String word) {
      Severity s = Severity.parse(word);
      if (s != null) {
        f.put(Fields.SEVERITY, SyslogNames.label(s));
      }
    }
    if (!f.containsKey(Fields.SEVERITY)) {
      Object level = f.get("log.level") != null ? f.get("log.level") : f.get("level");
      Severity s = level instanceof String l ? Severity.parse(l) : null;
      if (s != null) {
        f.put(Fields.SEVERITY, SyslogNames.label(s));
      }
    }
    Object outcome = f.get(Fields.OUTCOME) != null ? f.get(Fields.OUTCOME) : f.get("outcome");
    Object status = f.get("status");
    String o = outcome(outcome instanceof String s1 ? s1 : status instanceof String s2 ? s2 : null);
    if (o != null) {
      f.put(Fields.OUTCOME, o);
    }
    Object action = f.get(Fields.ACTION);
    if (action instanceof String a && !f.containsKey(Fields.EVENT_TYPE)) {
      String implied = loginOutcome(a);
      if (implied != null) {
        f.putIfAbsent(Fields.OUTCOME, implied);
      }
    }
    if (action instanceof String a && (isLogin(a) || loginOutcome(a) != null) && !f.containsKey(Fields.EVENT_TYPE)) {
      f.putIfAbsent(Fields.CATEGORY, "authentication");
      String out = (String) f.get(Fields.OUTCOME);
      if ("failure".equals(out)) {
        f.put(Fields.EVENT_TYPE, AuthExtractor.AUTH_FAIL);
      } else if ("success".equals(out)) {
        f.put(Fields.EVENT_TYPE, AuthExtractor.AUTH_SUCCESS);
      }
    }
    Object raw = rawIsOriginal ? f.remove(RESERVED_PREFIX + "raw") : f.get(RESERVED_PREFIX + "raw");
    if (rawIsOriginal && raw instanceof String r) {
      e.original(r);
    }
    Object msg = f.get(Fields.MESSAGE);
    if (msg instanceof String m) {
      return m;
    }
    if (raw instanceof String r) {
      f.put(Fields.MESSAGE, r);
      return r;
    }
    return null;
  }

  private static boolean isLogin(String a) {
    return switch (a.toLowerCase(java.util.Locale.ROOT)) {
      case "login", "logon", "log_in", "signin", "sign_in", "authentication", "auth" -> true;
      default -> false;
    };
  }

  /** Action words that carry their outcome ("failed_login", "login_success"), or null. */
  private static String loginOutcome(String a) {
    return switch (a.toLowerCase(java.util.Locale.ROOT)) {
      case "failed_login", "login_failed", "login_failure", "failed_logon", "logon_failure", "auth_failure" -> "failure";
      case "successful_login", "login_success", "logon_success", "auth_success" -> "success";
      default -> null;
    };
  }

  /** ECS event.outcome from the words senders use. */
  static String outcome(String v) {
    if (v == null) {
      return null;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "success", "succeeded", "successful", "ok", "allowed", "allow", "accepted", "pass", "passed" -> "success";
      case "failure", "failed", "fail", "failed_login", "denied", "deny", "rejected", "error", "blocked" -> "failure";
      case "unknown" -> "unknown";
      default -> null;
    };
  }
}
