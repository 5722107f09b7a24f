package io.phosor.parse;

import java.time.Instant;
import java.time.ZoneId;

/**
 * RFC 3164 "The BSD syslog Protocol", section 4.1 (PRI, HEADER = TIMESTAMP SP HOSTNAME, MSG = TAG CONTENT),
 * read the lenient way real senders need (section 4.3.2 "relay" rules): the BSD stamp with space-padded or
 * unpadded day and optional milliseconds, an ISO 8601 / RFC 3339 stamp instead, a leading year
 * ("2017 Mar  6 ..."), Cisco sequence numbers and '*' markers, a zone name after the stamp, a missing
 * hostname, and a TAG with or without "[pid]". Stamps without a zone are read in the source's zone; the
 * year is inferred ({@link Timestamps#inferYear}).
 */
final class Rfc3164Parser {
  private Rfc3164Parser() {}

  /** RFC 3164 section 4.1.3 limits TAG to 32 characters; real programs use a little more. */
  static final int MAX_TAG = 48;

  /**
   * Parses the header starting at {@code start} (just after PRI, or 0 without one). With {@code hasPri} the
   * result is never null: text without a stamp becomes the MSG. Without PRI, returns null unless the text
   * starts with a timestamp.
   */
  static SyslogMessage parse(String s, int start, boolean hasPri, ZoneId zone, long nowEpochSecond) {
    int n = s.length();
    int p = start;
    SyslogMessage m = new SyslogMessage();
    if (hasPri) {
      // Cisco IOS "<189>148093: Feb 27 ..." sequence number; NX-OS "<190>: 2017 Mar ..."
      int q = p;
      while (q < n && Timestamps.digit(s, q) >= 0) {
        q++;
      }
      if (Timestamps.charAt(s, q) == ':' && Timestamps.charAt(s, q + 1) == ' ') {
        p = q + 2;
      }
      if (Timestamps.charAt(s, p) == '*' || Timestamps.charAt(s, p) == '.') {
        p++;
      }
    }
    Timestamps.Result r = new Timestamps.Result();
    int end = timestamp(s, p, zone, nowEpochSecond, r);
    if (end < 0) {
      if (!hasPri) {
        return null;
      }
      m.message = p < n ? s.substring(p) : null;
      return m;
    }
    Instant ts = r.instant();
    p = end;
    boolean noHost = false;
    if (Timestamps.charAt(s, p) == ':') { // Cisco "06:08:59.485: %LINK..."
      p++;
      noHost = true;
    }
    if (Timestamps.charAt(s, p) != ' ' && p < n) {
      if (!hasPri) {
        return null;
      }
      m.message = s.substring(start);
      return m;
    }
    p = skipSpaces(s, p);
    // a zone name after the stamp: "2017 Mar 06 09:22:34 CET: %AUTHPRIV..."
    if (!r.hadOffset && !noHost) {
      int te = tokenEnd(s, p);
      if (te > p && te - p <= 6 && s.charAt(te - 1) == ':' && Character.isUpperCase(s.charAt(p))) {
        ZoneId z = Timestamps.zoneOf(s.substring(p, te));
        if (z != null) {
          long local = r.epochSecond + zone.getRules().getOffset(ts).getTotalSeconds();
          long epoch = local - z.getRules().getOffset(Instant.ofEpochSecond(local)).getTotalSeconds();
          ts = Instant.ofEpochSecond(epoch, r.nanos);
          p = skipSpaces(s, te);
          noHost = true;
        }
      }
    }
    m.timestamp = ts;
    if (!noHost && p < n) {
      int te = tokenEnd(s, p);
      // without PRI (an application's own log with a leading stamp) a word is a HOSTNAME only when a TAG
      // or a CEF/LEEF body follows it, as in /var/log/auth.log
      boolean hostPlausible = hasPri || followedByTag(s, te);
      if (hostPlausible && !startsBody(s, p) && !isTag(s, p, te) && s.charAt(p) != '%') {
        m.hostname = s.substring(p, te);
        p = skipSpaces(s, te);
      }
    }
    if (!noHost && p < n && !startsBody(s, p)) {
      p = tag(s, p, m);
    }
    m.message = p < n ? s.substring(p) : null;
    return m;
  }

  /** Any of the stamps this parser accepts at p; returns its end or -1. */
  static int timestamp(String s, int p, ZoneId zone, long now, Timestamps.Result r) {
    char c = Timestamps.charAt(s, p);
    if (c >= '0' && c <= '9') {
      int end = Timestamps.iso(s, p, zone, r);
      if (end > 0 && end - p > 10) {
        return end;
      }
      // "2017 Mar  6 12:53:10" (NX-OS, syslog-ng with year)
      if (Timestamps.two(s, p) >= 0 && Timestamps.two(s, p + 2) >= 0 && Timestamps.charAt(s, p + 4) == ' ') {
        int year = Timestamps.two(s, p) * 100 + Timestamps.two(s, p + 2);
        return Timestamps.bsd(s, p + 5, zone, now, year, r);
      }
      return -1;
    }
    return Timestamps.bsd(s, p, zone, now, r);
  }

  /** True when a CEF or LEEF payload starts at p (no HOSTNAME or TAG before it). */
  static boolean startsBody(String s, int p) {
    return s.startsWith("CEF:", p) || s.startsWith("LEEF:", p);
  }

  private static int skipSpaces(String s, int p) {
    while (p < s.length() && s.charAt(p) == ' ') {
      p++;
    }
    return p;
  }

  /** The first ' ' at or after p, or the end of s. */
  private static int tokenEnd(String s, int p) {
    int q = s.indexOf(' ', p);
    return q < 0 ? s.length() : q;
  }

  private static boolean followedByTag(String s, int te) {
    int p = skipSpaces(s, te);
    return p < s.length() && (startsBody(s, p) || isTag(s, p, tokenEnd(s, p)));
  }

  /** A token "name:" or "name[pid]" or "name[pid]:" is a TAG, so the message has no HOSTNAME. */
  private static boolean isTag(String s, int p, int te) {
    int q = tagNameEnd(s, p, te);
    if (q <= p) {
      return false;
    }
    char c = Timestamps.charAt(s, q);
    if (c == ':') {
      return q + 1 == te;
    }
    if (c == '[') {
      int close = s.indexOf(']', q);
      return close > q && close < te && (close + 1 == te || (close + 2 == te && s.charAt(close + 1) == ':'));
    }
    return false;
  }

  private static int tagNameEnd(String s, int p, int limit) {
    char first = Timestamps.charAt(s, p);
    if (!(Character.isLetterOrDigit(first) || first == '_' || first == '/' || first == '.')) {
      return -1;
    }
    int q = p;
    while (q < limit) {
      char c = s.charAt(q);
      if (c == '[' || c == ':' || c == ' ' || c == '=' || c == '"') {
        break;
      }
      q++;
    }
    return q - p > MAX_TAG ? -1 : q;
  }

  /** Reads TAG[pid]: at p when present; returns where CONTENT starts. */
  private static int tag(String s, int p, SyslogMessage m) {
    int n = s.length();
    int te = tokenEnd(s, p);
    int q = tagNameEnd(s, p, te);
    if (q <= p || q >= n) {
      return p;
    }
    char c = s.charAt(q);
    if (c == ':') {
      m.appname = s.substring(p, q);
      return afterColon(s, q + 1);
    }
    if (c == '[') {
      int close = s.indexOf(']', q);
      if (close < 0 || close > te) {
        return p;
      }
      m.appname = s.substring(p, q);
      m.procid = close > q + 1 ? s.substring(q + 1, close) : null;
      int r = close + 1;
      if (r < n && s.charAt(r) == ':') {
        r++;
      }
      return afterColon(s, r);
    }
    return p;
  }

  private static int afterColon(String s, int p) {
    return p < s.length() && s.charAt(p) == ' ' ? p + 1 : p;
  }
}
