package io.phosor.parse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ArcSight Common Event Format (Micro Focus "Implementing ArcSight CEF", revision 25):
 * {@code CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension}.
 * Header fields escape '|' and '\' with a backslash; the extension is space-separated {@code key=value}
 * pairs whose values may contain spaces (a value ends where the next " key=" starts) and escape '=', '\',
 * and newlines ({@code \n}, {@code \r}; both mean a newline per the spec).
 */
final class CefParser {
  private CefParser() {}

  static final String[] HEADER_NAMES = {
    "cef.version", "cef.device.vendor", "cef.device.product", "cef.device.version",
    "cef.device.event_class_id", "cef.name", "cef.severity"};

  /** A parsed CEF record: the seven header fields and the extension pairs in order. */
  static final class Cef {
    final String[] header = new String[7];
    final Map<String, String> extensions = new LinkedHashMap<>(16);
  }

  /** Parses a CEF record starting at {@code start} ("CEF:..."); throws {@link BodyFormatException}. */
  static Cef parse(String s, int start) {
    if (!s.startsWith("CEF:", start)) {
      throw new BodyFormatException("CEF", start, "expecting 'CEF:'");
    }
    Cef cef = new Cef();
    int p = start + 4;
    int n = s.length();
    StringBuilder sb = new StringBuilder(32);
    for (int f = 0; f < 7; f++) {
      sb.setLength(0);
      while (true) {
        if (p >= n) {
          throw new BodyFormatException("CEF", p, "header has " + f + " of 7 '|'-terminated fields");
        }
        char c = s.charAt(p);
        if (c == '\\' && p + 1 < n && (s.charAt(p + 1) == '|' || s.charAt(p + 1) == '\\')) {
          sb.append(s.charAt(p + 1));
          p += 2;
          continue;
        }
        p++;
        if (c == '|') {
          break;
        }
        sb.append(c);
      }
      cef.header[f] = unquote(sb.toString().trim());
    }
    extensions(s, p, n, cef.extensions, true);
    return cef;
  }

  /**
   * Splits {@code key=value key2=value with spaces} between {@code from} and {@code to} into {@code out}.
   * A key starts the text or follows a space, is made of letters, digits and {@code _.,-[]}, and is
   * followed by an unescaped '='. With {@code unescape} CEF extension escapes are decoded.
   */
  static void extensions(String s, int from, int to, Map<String, String> out, boolean unescape) {
    int p = from;
    while (p < to && s.charAt(p) == ' ') {
      p++;
    }
    if (p >= to) {
      return;
    }
    int keyStart = p;
    int keyEnd = keyEnd(s, p, to);
    if (keyEnd < 0) {
      if (Timestamps.charAt(s, p) == '=') {
        throw new BodyFormatException("CEF", p, "extension value without a key");
      }
      throw new BodyFormatException("CEF", p, "expecting an extension key=value");
    }
    while (keyStart < to) {
      int valueStart = keyEnd + 1;
      // the value runs to the space before the next key
      int q = valueStart;
      int nextKey = -1;
      int nextKeyEnd = -1;
      while (q < to) {
        char c = s.charAt(q);
        if (c == '\\') {
          q += 2;
          continue;
        }
        if (c == ' ' && q + 1 < to && s.charAt(q + 1) != ' ') {
          int ke = keyEnd(s, q + 1, to);
          if (ke > 0) {
            nextKey = q + 1;
            nextKeyEnd = ke;
            break;
          }
          if (s.charAt(q + 1) == '=') {
            throw new BodyFormatException("CEF", q + 1, "extension value without a key");
          }
        }
        q++;
      }
      int valueEnd = nextKey < 0 ? to : nextKey - 1;
      while (valueEnd > valueStart && Character.isWhitespace(s.charAt(valueEnd - 1))) {
        valueEnd--;
      }
      String key = s.substring(keyStart, keyEnd);
      String raw = s.substring(valueStart, Math.max(valueStart, valueEnd));
      out.put(key, unquote(unescape ? unescape(raw) : raw));
      if (nextKey < 0) {
        break;
      }
      keyStart = nextKey;
      keyEnd = nextKeyEnd;
    }
  }

  /** Index of the '=' ending a key that starts at p, or -1 when no key starts there. */
  private static int keyEnd(String s, int p, int to) {
    int q = p;
    while (q < to) {
      char c = s.charAt(q);
      if (c == '=') {
        return q > p ? q : -1;
      }
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == ',' || c == '-' || c == '['
          || c == ']')) {
        return -1;
      }
      q++;
    }
    return -1;
  }

  static String unescape(String v) {
    int i = v.indexOf('\\');
    if (i < 0) {
      return v;
    }
    StringBuilder sb = new StringBuilder(v.length());
    sb.append(v, 0, i);
    for (; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length()) {
        char e = v.charAt(i + 1);
        switch (e) {
          case '=', '\\', '|' -> {
            sb.append(e);
            i++;
            continue;
          }
          case 'n', 'r' -> {
            sb.append('\n');
            i++;
            continue;
          }
          default -> { }
        }
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Strips one pair of surrounding double quotes, which some senders put around values. */
  static String unquote(String v) {
    int n = v.length();
    return n >= 2 && v.charAt(0) == '"' && v.charAt(n - 1) == '"' ? v.substring(1, n - 1) : v;
  }
}
