package io.phosor.parse;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.time.ZoneId;

/**
 * Web server access logs: NCSA Common Log Format ({@code host ident authuser [date] "request" status bytes},
 * Apache {@code %h %l %u %t "%r" %>s %b}) and the Combined format that adds {@code "referer" "user-agent"}
 * (also nginx's default "combined" and "main", whose extra quoted fields are ignored). Scanned by hand.
 */
final class WebAccessParser {
  private WebAccessParser() {}

  /**
   * Parses {@code s} from {@code start}; on success writes the fields into {@code e} and returns true. The
   * request time becomes the event time only with {@code setTime} (a syslog header's time is kept).
   */
  static boolean parse(String s, int start, ZoneId zone, Event e, boolean setTime) {
    int n = s.length();
    int p = start;
    int c1 = s.indexOf(' ', p);
    if (c1 <= p) {
      return false;
    }
    int c2 = s.indexOf(' ', c1 + 1);
    if (c2 <= c1 + 1) {
      return false;
    }
    int c3 = s.indexOf(" [", c2 + 1);
    if (c3 <= c2 + 1 || c3 - c2 > 256) {
      return false;
    }
    int tsEnd = s.indexOf(']', c3 + 2);
    if (tsEnd < 0) {
      return false;
    }
    Timestamps.Result r = new Timestamps.Result();
    int te = Timestamps.clf(s, c3 + 2, zone, r);
    if (te != tsEnd) {
      return false;
    }
    p = tsEnd + 1;
    if (!s.startsWith(" \"", p)) {
      return false;
    }
    int reqStart = p + 2;
    int reqEnd = closingQuote(s, reqStart);
    if (reqEnd < 0) {
      return false;
    }
    p = reqEnd + 1;
    if (Timestamps.charAt(s, p) != ' ') {
      return false;
    }
    int status = 0;
    for (int k = 1; k <= 3; k++) {
      int d = Timestamps.digit(s, p + k);
      if (d < 0) {
        return false;
      }
      status = status * 10 + d;
    }
    p += 4;
    if (Timestamps.charAt(s, p) != ' ') {
      return false;
    }
    p++;
    long bytes = -1;
    if (Timestamps.charAt(s, p) == '-') {
      p++;
    } else {
      int ds = p;
      bytes = 0;
      while (p < n && Timestamps.digit(s, p) >= 0 && p - ds < 18) {
        bytes = bytes * 10 + (s.charAt(p) - '0');
        p++;
      }
      if (p == ds) {
        return false;
      }
    }
    String referrer = null;
    String agent = null;
    if (p < n) {
      if (s.charAt(p) != ' ') {
        return false;
      }
      int q = p + 1;
      if (Timestamps.charAt(s, q) == '"') {
        int re = closingQuote(s, q + 1);
        if (re < 0) {
          return false; // a truncated line
        }
        referrer = dashOrEmpty(s, q + 1, re) ? null : s.substring(q + 1, re);
        q = re + 1;
        if (s.startsWith(" \"", q)) {
          int ae = closingQuote(s, q + 2);
          // a line cut inside the last field (the user agent) keeps everything before it
          agent = ae < 0 ? s.substring(q + 2) : s.substring(q + 2, ae);
        }
      } else if (s.startsWith("- -", q)) { // combined with unquoted empty fields
        referrer = null;
      }
    }
    if (setTime) {
      e.timestamp(r.instant());
    }
    // the parts are cut straight out of s, and "-" (absent) is recognized before anything is cut
    if (!dash(s, start, c1)) {
      String client = s.substring(start, c1);
      Put.field(e, Ips.isIp(client) ? Fields.SOURCE_IP : "source.domain", client);
    }
    if (!dashOrEmpty(s, c2 + 1, c3)) {
      Put.field(e, Fields.USER_NAME, s.substring(c2 + 1, c3));
    }
    if (!dash(s, c1 + 1, c2)) {
      Put.field(e, "user.id", s.substring(c1 + 1, c2));
    }
    // the request line "METHOD target HTTP/x.y", between reqStart and reqEnd
    int sp1 = indexOf(s, ' ', reqStart, reqEnd);
    int sp2 = sp1 < 0 ? -1 : indexOf(s, ' ', sp1 + 1, reqEnd);
    if (sp1 > reqStart && isMethod(s, reqStart, sp1)) {
      Put.field(e, Fields.HTTP_METHOD, method(s, reqStart, sp1));
      if (sp2 > sp1) {
        Put.field(e, Fields.URL_ORIGINAL, s.substring(sp1 + 1, sp2));
        int v = sp2 + 1;
        if (reqEnd - v >= 5 && s.startsWith("HTTP/", v)) {
          v += 5;
        }
        Put.field(e, "http.version", version(s, v, reqEnd));
      } else {
        Put.field(e, Fields.URL_ORIGINAL, s.substring(sp1 + 1, reqEnd));
      }
    } else if (!dashOrEmpty(s, reqStart, reqEnd)) {
      Put.field(e, Fields.URL_ORIGINAL, s.substring(reqStart, reqEnd));
    }
    Put.field(e, Fields.HTTP_STATUS, Put.integer(status));
    if (bytes >= 0) {
      Put.field(e, Fields.HTTP_BYTES, bytes);
    }
    if (referrer != null && !referrer.equals("-") && !referrer.isEmpty()) {
      Put.field(e, Fields.HTTP_REFERRER, referrer);
    }
    if (agent != null && !agent.equals("-") && !agent.isEmpty()) {
      Put.field(e, Fields.USER_AGENT, agent);
    }
    Put.field(e, Fields.EVENT_TYPE, "web_access");
    Put.field(e, Fields.CATEGORY, "web");
    Put.field(e, Fields.ACTION, "http_request");
    Put.field(e, Fields.OUTCOME, status >= 400 ? "failure" : "success");
    return true;
  }

  /** {@code s[from, to)} is 1-16 upper-case ASCII letters. */
  private static boolean isMethod(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return to - from <= 16;
  }

  /** Methods that nearly every line has, kept as constants instead of a new string per line. */
  private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"};
  /** The same for the protocol versions. */
  private static final String[] VERSIONS = {"1.1", "1.0", "2.0", "2"};

  /** {@code s[from, to)} as a string: one of {@code known} when equal to it, else a new substring. */
  private static String cut(String s, int from, int to, String[] known) {
    int len = to - from;
    for (String k : known) {
      if (k.length() == len && s.startsWith(k, from)) {
        return k;
      }
    }
    return s.substring(from, to);
  }

  private static String method(String s, int from, int to) {
    return cut(s, from, to, METHODS);
  }

  private static String version(String s, int from, int to) {
    return cut(s, from, to, VERSIONS);
  }

  /** {@code s[from, to)} is "-". */
  private static boolean dash(String s, int from, int to) {
    return to - from == 1 && s.charAt(from) == '-';
  }

  /** {@code s[from, to)} is "-" or empty. */
  private static boolean dashOrEmpty(String s, int from, int to) {
    return to <= from || dash(s, from, to);
  }

  /** Index of {@code c} in {@code s[from, to)}, or -1. */
  private static int indexOf(String s, char c, int from, int to) {
    int i = s.indexOf(c, from);
    return i >= 0 && i < to ? i : -1;
  }

  /** Index of the closing '"' of a quoted field starting at p (backslash escapes skipped), or -1. */
  static int closingQuote(String s, int p) {
    // the first '"' that no backslash before it (and after p) escapes; both found with indexOf, which scans
    // much faster than a loop over the chars
    int bs = s.indexOf('\\', p);
    while (true) {
      int q = s.indexOf('"', p);
      if (q < 0) {
        return -1;
      }
      if (bs < 0 || bs > q) {
        return q;
      }
      p = bs + 2; // skip the backslash and the char it escapes
      bs = s.indexOf('\\', p);
    }
  }
}
