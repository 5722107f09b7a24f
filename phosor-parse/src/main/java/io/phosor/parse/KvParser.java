package io.phosor.parse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * key=value bodies ({@code a=1 b="two words" c='x'}, FortiGate, Juniper, logfmt). Only text that clearly is
 * key=value is taken: every white-space separated item must be a pair and there must be at least
 * {@link #MIN_PAIRS}; anything else is left to the other parsers.
 */
final class KvParser {
  private KvParser() {}

  /** One "a=b" inside free text is not a format; two pairs and nothing else are. */
  static final int MIN_PAIRS = 2;

  /** Maximum key length; longer "keys" are prose, not keys. */
  static final int MAX_KEY = 64;

  /** The pairs of {@code s} from {@code start}, or null when the text is not purely key=value. */
  static Map<String, String> parse(String s, int start) {
    int n = s.length();
    int p = start;
    Map<String, String> out = null;
    StringBuilder sb = null;
    while (true) {
      while (p < n && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
        p++;
      }
      if (p >= n) {
        break;
      }
      int ks = p;
      char first = s.charAt(p);
      if (!(Character.isLetter(first) || first == '_' || first == '@')) {
        return null;
      }
      while (p < n && isKeyChar(s.charAt(p))) {
        p++;
      }
      if (p >= n || s.charAt(p) != '=' || p - ks > MAX_KEY) {
        return null;
      }
      String key = s.substring(ks, p);
      p++;
      String value;
      char q = p < n ? s.charAt(p) : ' ';
      if (q == '"' || q == '\'') {
        if (sb == null) {
          sb = new StringBuilder(32);
        }
        sb.setLength(0);
        p++;
        boolean closed = false;
        while (p < n) {
          char c = s.charAt(p);
          if (c == '\\' && p + 1 < n && (s.charAt(p + 1) == q || s.charAt(p + 1) == '\\')) {
            sb.append(s.charAt(p + 1));
            p += 2;
            continue;
          }
          p++;
          if (c == q) {
            closed = true;
            break;
          }
          sb.append(c);
        }
        if (!closed || (p < n && s.charAt(p) != ' ' && s.charAt(p) != '\t')) {
          return null;
        }
        value = sb.toString();
      } else {
        int vs = p;
        while (p < n && s.charAt(p) != ' ' && s.charAt(p) != '\t') {
          p++;
        }
        value = s.substring(vs, p);
      }
      if (out == null) {
        out = new LinkedHashMap<>(16);
      }
      out.put(key, value);
    }
    return out != null && out.size() >= MIN_PAIRS ? out : null;
  }

  private static boolean isKeyChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '@' || c == '/';
  }
}
