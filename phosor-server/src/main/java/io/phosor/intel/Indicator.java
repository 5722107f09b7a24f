package io.phosor.intel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a local indicator file says about the addresses of one entry (or of every entry of a plain list).
 *
 * @param source the file's name
 * @param format {@code list}, {@code csv} or {@code stix}
 * @param description what the file says about it, or null
 * @param name a STIX indicator's name, or null
 * @param type a CSV row's type or a STIX indicator's indicator_types, or null
 * @param confidence 0-100, or null
 * @param labels STIX labels (empty when none)
 * @param id a STIX indicator's id, or null
 * @param validFrom epoch milliseconds from which it holds ({@link Long#MIN_VALUE}: always)
 * @param validUntil epoch milliseconds from which it no longer holds ({@link Long#MAX_VALUE}: never)
 */
record Indicator(String source, String format, String description, String name, String type, Integer confidence,
    List<String> labels, String id, long validFrom, long validUntil) {

  Indicator {
    labels = List.copyOf(labels);
  }

  /** An entry of a plain list file. */
  static Indicator listed(String source, String description) {
    return new Indicator(source, "list", description, null, null, null, List.of(), null, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Whether it holds at {@code nowMillis}. */
  boolean validAt(long nowMillis) {
    return nowMillis >= validFrom && nowMillis < validUntil;
  }

  /** The indicator as JSON, with the network it lists. */
  Map<String, Object> toJson(String network) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", source);
    m.put("format", format);
    m.put("network", network);
    putIf(m, "description", description);
    putIf(m, "name", name);
    putIf(m, "type", type);
    putIf(m, "confidence", confidence);
    if (!labels.isEmpty()) {
      m.put("labels", labels);
    }
    putIf(m, "id", id);
    if (validFrom != Long.MIN_VALUE) {
      m.put("valid_from", java.time.Instant.ofEpochMilli(validFrom).toString());
    }
    if (validUntil != Long.MAX_VALUE) {
      m.put("valid_until", java.time.Instant.ofEpochMilli(validUntil).toString());
    }
    return m;
  }

  private static void putIf(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
