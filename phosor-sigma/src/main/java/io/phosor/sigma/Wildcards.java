package io.phosor.sigma;

import io.phosor.detect.Condition;
import io.phosor.detect.Condition.Op;
import java.util.List;

/**
 * Sigma string values: {@code *} (any characters) and {@code ?} (one character) are wildcards, and
 * {@code \*}, {@code \?} and {@code \\} are the characters themselves; any other backslash is a plain
 * backslash. A value becomes the cheapest exact test: equals, contains, starts/ends with, or an RE2
 * regular expression when wildcards sit inside the text.
 */
final class Wildcards {
  private Wildcards() {}

  /** The value without its escapes (wildcards kept as the characters they are written with). */
  static String unescape(String v) {
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length() && "*?\\".indexOf(v.charAt(i + 1)) >= 0) {
        b.append(v.charAt(++i));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * The test of {@code field} against {@code value} with the match {@code kind} (equals, contains,
   * startswith, endswith), case-insensitive unless {@code cased}.
   */
  static Condition match(String field, String kind, String value, boolean cased) {
    // tokens: literal text, or wildcard markers \0 (star) and \1 (question mark)
    StringBuilder t = new StringBuilder(value.length());
    boolean wild = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() && "*?\\".indexOf(value.charAt(i + 1)) >= 0) {
        t.append(value.charAt(++i));
      } else if (c == '*') {
        t.append('\0');
        wild = true;
      } else if (c == '?') {
        t.append('\1');
        wild = true;
      } else {
        t.append(c);
      }
    }
    String s = t.toString();
    boolean starts = kind.equals("startswith") || kind.equals("equals");
    boolean ends = kind.equals("endswith") || kind.equals("equals");
    if (wild) {
      // leading and trailing stars only loosen the anchors
      while (s.startsWith("\0")) {
        s = s.substring(1);
        starts = false;
      }
      while (s.endsWith("\0")) {
        s = s.substring(0, s.length() - 1);
        ends = false;
      }
      wild = s.indexOf('\0') >= 0 || s.indexOf('\1') >= 0;
    }
    if (!wild) {
      if (s.isEmpty()) {
        // "*": any value; "" with equals: the empty value
        return starts && ends ? new Condition.Field(field, Op.EQUALS, List.of(""), cased)
            : new Condition.Field(field, Op.EXISTS, List.of("true"), false);
      }
      Op op = starts && ends ? Op.EQUALS : starts ? Op.STARTS_WITH : ends ? Op.ENDS_WITH : Op.CONTAINS;
      return new Condition.Field(field, op, List.of(s), cased);
    }
    StringBuilder re = new StringBuilder("(?s)");
    if (starts) {
      re.append('^');
    }
    StringBuilder lit = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\0' || c == '\1') {
        re.append(quote(lit));
        lit.setLength(0);
        re.append(c == '\0' ? ".*" : ".");
      } else {
        lit.append(c);
      }
    }
    re.append(quote(lit));
    if (ends) {
      re.append('$');
    }
    return new Condition.Field(field, Op.REGEX, List.of(re.toString()), cased);
  }

  private static String quote(CharSequence lit) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lit.length(); i++) {
      char c = lit.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
