package io.phosor.parse;

/** Cheap syntactic checks for IP address literals (no DNS, no allocation). */
final class Ips {
  private Ips() {}

  /** True for a dotted-quad IPv4 address or an IPv6 literal (hex groups and colons, optional embedded IPv4). */
  static boolean isIp(String s) {
    return isIpv4(s, 0, s.length()) || isIpv6(s);
  }

  static boolean isIpv4(String s, int from, int to) {
    int p = from;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (p >= to || s.charAt(p) != '.') {
          return false;
        }
        p++;
      }
      int start = p;
      int v = 0;
      while (p < to) {
        char c = s.charAt(p);
        if (c < '0' || c > '9') {
          break;
        }
        if (p - start == 3) {
          return false; // a fourth digit
        }
        v = v * 10 + (c - '0');
        p++;
      }
      if (p == start || v > 255) {
        return false;
      }
    }
    return p == to;
  }

  static boolean isIpv6(String s) {
    int n = s.length();
    if (n < 2 || n > 45 || s.indexOf(':') < 0) {
      return false;
    }
    int colons = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == ':') {
        colons++;
      } else if (c == '.') {
        int lastColon = s.lastIndexOf(':');
        return lastColon < i && colons >= 2 && isIpv4(s, lastColon + 1, n);
      } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return colons >= 2 && colons <= 7;
  }
}
