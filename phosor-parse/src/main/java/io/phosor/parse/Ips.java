package io.phosor.parse;

/** Cheap syntactic checks for IP address literals (no DNS, no allocation). */
final class Ips {
  private Ips() {}

  /** True for a dotted-quad IPv4 address or an IPv6 literal (hex groups and colons, optional embedded IPv4). */
  static boolean isIp(String s) {
    return isIpv4(s, 0, s.length()) || isIpv6(s);
  }

  static boolean isIpv4(String s, int from, int to) {
    int parts = 0;
    int p = from;
    while (parts < 4) {
      int v = 0;
      int digits = 0;
      while (p < to && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
        v = v * 10 + s.charAt(p) - '0';
        digits++;
        p++;
        if (digits > 3) {
          return false;
        }
      }
      if (digits == 0 || v > 255) {
        return false;
      }
      parts++;
      if (parts < 4) {
        if (p >= to || s.charAt(p) != '.') {
          return false;
        }
        p++;
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
