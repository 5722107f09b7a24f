package io.phosor.parse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IBM QRadar Log Event Extended Format (IBM "LEEF event components"): LEEF 1.0
 * {@code LEEF:1.0|Vendor|Product|Version|EventID|attrs} with TAB-separated {@code key=value} attributes,
 * and LEEF 2.0 {@code LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|attrs} where the delimiter is one
 * character or its hex code ({@code x5E}, {@code 0x5E}). Senders that separate LEEF 1.0 attributes with
 * spaces instead of TABs are read like a CEF extension.
 */
final class LeefParser {
  private LeefParser() {}

  /** A parsed LEEF record. */
  static final class Leef {
    String version;
    String vendor;
    String product;
    String productVersion;
    String eventId;
    char delimiter = '\t';
    final Map<String, String> attributes = new LinkedHashMap<>(16);
  }

  static Leef parse(String s, int start) {
    if (!s.startsWith("LEEF:", start)) {
      throw new BodyFormatException("LEEF", start, "expecting 'LEEF:'");
    }
    Leef l = new Leef();
    int n = s.length();
    int p = start + 5;
    String[] h = new String[5];
    for (int f = 0; f < 5; f++) {
      int bar = s.indexOf('|', p);
      if (bar < 0) {
        throw new BodyFormatException("LEEF", n, "header has " + f + " of 5 '|'-terminated fields");
      }
      h[f] = s.substring(p, bar).trim();
      p = bar + 1;
    }
    l.version = h[0];
    l.vendor = h[1];
    l.product = h[2];
    l.productVersion = h[3];
    l.eventId = h[4];
    if (l.version.startsWith("2")) {
      int bar = s.indexOf('|', p);
      if (bar >= 0) {
        String d = s.substring(p, bar);
        int code = delimiter(d);
        if (code >= 0) {
          l.delimiter = (char) code;
          p = bar + 1;
        }
      }
    }
    if (p >= n) {
      return l;
    }
    String attrs = s.substring(p);
    if (attrs.indexOf('=') < 0) {
      if (attrs.isBlank()) {
        return l;
      }
      throw new BodyFormatException("LEEF", p, "attributes are not key=value pairs");
    }
    if (attrs.indexOf(l.delimiter) < 0 && l.delimiter == '\t') {
      CefParser.extensions(s, p, n, l.attributes, false);
      return l;
    }
    int a = p;
    while (a < n) {
      int e = s.indexOf(l.delimiter, a);
      if (e < 0) {
        e = n;
      }
      int eq = s.indexOf('=', a);
      if (eq > a && eq < e) {
        l.attributes.put(s.substring(a, eq).trim(), s.substring(eq + 1, e));
      } else if (e > a && !s.substring(a, e).isBlank()) {
        throw new BodyFormatException("LEEF", a, "attribute without '='");
      }
      a = e + 1;
    }
    return l;
  }

  /** The LEEF 2.0 delimiter field: one character, or x/0x followed by hex digits; -1 when it is not one. */
  static int delimiter(String d) {
    if (d.length() == 1) {
      return d.charAt(0);
    }
    String hex = d.startsWith("0x") || d.startsWith("0X") ? d.substring(2)
        : d.startsWith("x") || d.startsWith("X") ? d.substring(1) : null;
    if (hex == null || hex.isEmpty() || hex.length() > 4) {
      return d.isEmpty() ? '\t' : -1;
    }
    try {
      return Integer.parseInt(hex, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
