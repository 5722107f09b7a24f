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
        referrer = s.substring(q + 1, re);
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
    String client = s.substring(start, c1);
    String user = s.substring(c2 + 1, c3);
    if (setTime) {
      e.timestamp(r.instant());
    }
    if (!client.equals("-")) {
      Put.field(e, Ips.isIp(client) ? Fields.SOURCE_IP : "source.domain", client);
    }
    if (!user.equals("-") && !user.isEmpty()) {
      Put.field(e, Fields.USER_NAME, user);
    }
    String ident = s.substring(c1 + 1, c2);
    if (!ident.equals("-")) {
      Put.field(e, "user.id", ident);
    }
    String request = s.substring(reqStart, reqEnd);
    int sp1 = request.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : request.indexOf(' ', sp1 + 1);
    if (sp1 > 0 && isMethod(request, sp1)) {
      Put.field(e, Fields.HTTP_METHOD, request.substring(0, sp1));
      if (sp2 > sp1) {
        Put.field(e, Fields.URL_ORIGINAL, request.substring(sp1 + 1, sp2));
        String proto = request.substring(sp2 + 1);
        Put.field(e, "http.version", proto.startsWith("HTTP/") ? proto.substring(5) : proto);
      } else {
        Put.field(e, Fields.URL_ORIGINAL, request.substring(sp1 + 1));
      }
    } else if (!request.isEmpty() && !request.equals("-")) {
      Put.field(e, Fields.URL_ORIGINAL, request);
    }
    Put.field(e, Fields.HTTP_STATUS, status);
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

  private static boolean isMethod(String r, int end) {
    for (int i = 0; i < end; i++) {
      char c = r.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return end <= 16;
  }

  /** Index of the closing '"' of a quoted field starting at p (backslash escapes skipped), or -1. */
  static int closingQuote(String s, int p) {
    int n = s.length();
    while (p < n) {
      char c = s.charAt(p);
      if (c == '\\') {
        p += 2;
        continue;
      }
      if (c == '"') {
        return p;
      }
      p++;
    }
    return -1;
  }
}
