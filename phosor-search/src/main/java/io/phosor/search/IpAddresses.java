package io.phosor.search;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IP literals without ever resolving a name (InetAddress.getByName would do a DNS lookup). */
final class IpAddresses {
  private IpAddresses() {}

  /** The address of a dotted-quad IPv4 or an IPv6 literal, or null when {@code s} is neither. */
  static InetAddress parse(String s) {
    if (s == null || s.isEmpty() || s.length() > 45) { // 45 = longest IPv6 text with an embedded IPv4
      return null;
    }
    if (s.indexOf(':') < 0) {
      byte[] b = parseIpv4(s);
      if (b == null) {
        return null;
      }
      try {
        return InetAddress.getByAddress(b);
      } catch (UnknownHostException e) {
        return null;
      }
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      // a literal containing ':' is parsed as IPv6 by InetAddress and rejected without a lookup when invalid
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] parseIpv4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i == s.length() ? '.' : s.charAt(i);
      if (c == '.') {
        if (digits == 0 || part > 3) {
          return null;
        }
        out[part++] = (byte) value;
        value = -1;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
