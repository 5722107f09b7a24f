package io.phosor.respond;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * IPv4 and IPv6 literals: checked, normalised (IPv4 dotted quad without leading zeros, IPv6 in RFC 5952 form,
 * IPv4-mapped IPv6 as IPv4), and matched against CIDR ranges. Never a DNS look-up: anything that is not a literal
 * is refused before {@link InetAddress} sees it.
 */
final class IpAddresses {
  private static final Pattern V4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private IpAddresses() {}

  /** The address's bytes (4 or 16), or null when {@code s} is not an IPv4 or IPv6 literal. */
  static byte[] parse(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (V4.matcher(t).matches()) {
      String[] parts = t.split("\\.");
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        b[i] = (byte) v;
      }
      return b;
    }
    if (t.indexOf(':') < 0 || !V6.matcher(t).matches()) {
      return null;
    }
    try {
      // a literal with ':' and only hex digits, ':' and '.' is parsed, never resolved
      return InetAddress.getByName("[" + t + "]").getAddress();
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  /** {@code s} normalised, or null when it is not an IP literal. */
  static String normalize(String s) {
    byte[] b = parse(s);
    return b == null ? null : format(b);
  }

  /** The canonical text of an address's bytes. */
  static String format(byte[] b) {
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // RFC 5952: the longest run (first if tied) of two or more zero words becomes "::"
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }

  /** A CIDR range (or one address) from the allow-list. */
  record Range(byte[] network, int bits) {
    /** Whether {@code address} (4 or 16 bytes) is inside. */
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  /** Parses "10.0.0.0/8", "2001:db8::/32" or a single address. */
  static Range range(String cidr) {
    int slash = cidr.indexOf('/');
    byte[] net = parse(slash < 0 ? cidr : cidr.substring(0, slash));
    if (net == null) {
      throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR range");
    }
    int bits = net.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(cidr.substring(slash + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + cidr + "' has a bad prefix length");
      }
      if (bits < 0 || bits > net.length * 8) {
        throw new IllegalArgumentException("'" + cidr + "' has a bad prefix length");
      }
    }
    return new Range(net, bits);
  }

  /** Whether {@code address} is inside one of {@code ranges}. */
  static boolean inAny(byte[] address, List<Range> ranges) {
    for (Range r : ranges) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
