package io.phosor.notify;

import java.time.Duration;
import java.util.List;

/** Small text helpers shared by the integrations: one-line cleaning, truncation, escaping, secret scrubbing. */
final class Text {
  private Text() {}

  /**
   * The text on one line: every control character (CR, LF, tab, the C1 controls, U+2028/U+2029) becomes a space,
   * runs of spaces become one, and it is cut to {@code max} characters (ending with "…" when cut). Null gives "".
   */
  static String oneLine(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), max + 1));
    boolean space = false;
    for (int i = 0; i < s.length() && b.length() <= max; i++) {
      char c = s.charAt(i);
      boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085';
      if (control || c == ' ') {
        if (!space && b.length() > 0) {
          b.append(' ');
        }
        space = true;
      } else {
        b.append(c);
        space = false;
      }
    }
    String out = b.toString().strip();
    return cut(out, max);
  }

  /** Cuts {@code s} to at most {@code max} characters, the last being "…" when it was cut. */
  static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return s.substring(0, end) + "…";
  }

  /** Slack mrkdwn escaping: {@code &}, {@code <} and {@code >} are control characters there (api.slack.com). */
  static String slack(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * Escapes the characters that Adaptive Card TextBlock markdown interprets ({@code * _ [ ] ( ) ` # ~} and the
   * backslash), so user text shows as typed and cannot make a link.
   */
  static String markdown(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("\\*_[]()`#~".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** The text with each secret (of 4 characters or more) replaced by "[redacted]". */
  static String scrub(String text, List<String> secrets) {
    if (text == null) {
      return "";
    }
    String out = text;
    List<String> longestFirst = new java.util.ArrayList<>(secrets);
    longestFirst.removeIf(java.util.Objects::isNull);
    longestFirst.sort(java.util.Comparator.comparingInt(String::length).reversed());
    for (String s : longestFirst) {
      if (s != null && s.length() >= 4) {
        out = out.replace(s, "[redacted]");
      }
    }
    return out;
  }

  /** "10 s" or "1.5 s". */
  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /** The entity as "ip 203.0.113.7", or null when the notice has none. */
  static String entity(String type, String value) {
    if (value == null) {
      return null;
    }
    return type == null ? value : type + " " + value;
  }

  /** The severity word in capitals ("HIGH"), "UNKNOWN" for null. */
  static String severity(io.phosor.event.Severity s) {
    return s == null ? "UNKNOWN" : s.name();
  }
}
