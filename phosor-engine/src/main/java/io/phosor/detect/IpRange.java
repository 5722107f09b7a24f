package io.phosor.detect;

/**
 * A CIDR block (RFC 4632 for IPv4, RFC 4291 section 2.3 for IPv6) and an allocation-free parser for
 * textual addresses (dotted quad; IPv6 with "::" and an embedded dotted quad). IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d) match IPv4 blocks.
 */
final class IpRange {
  private final long hi;
  private final long lo;
  private final long maskHi;
  private final long maskLo;

  private IpRange(long hi, long lo, int prefix) {
    this.maskHi = prefix >= 64 ? -1L : (prefix == 0 ? 0L : -1L << (64 - prefix));
    this.maskLo = prefix <= 64 ? 0L : (prefix == 128 ? -1L : -1L << (128 - prefix));
    this.hi = hi & maskHi;
    this.lo = lo & maskLo;
  }

  /** Parses "10.0.0.0/8", "2001:db8::/32" or a single address; null when it is not one. */
  static IpRange parse(String cidr) {
    String s = cidr.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    long[] a = new long[2];
    int kind = parseAddress(addr, a);
    if (kind == 0) {
      return null;
    }
    int max = kind == 4 ? 32 : 128;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return null;
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        return null;
      }
    }
    return new IpRange(a[0], a[1], kind == 4 ? prefix + 96 : prefix);
  }

  /** Whether the 128-bit address (IPv4 as ::ffff:a.b.c.d) is in the block. */
  boolean contains(long addrHi, long addrLo) {
    return (addrHi & maskHi) == hi && (addrLo & maskLo) == lo;
  }

  /**
   * Parses an address into out[0..1] (IPv4 mapped to ::ffff:0:0/96); returns 4 or 6, or 0 when the text is
   * not an address.
   */
  static int parseAddress(String s, long[] out) {
    int n = s.length();
    if (n == 0 || n > 45) {
      return 0;
    }
    if (s.indexOf(':') < 0) {
      long v4 = parseV4(s, 0, n);
      if (v4 < 0) {
        return 0;
      }
      out[0] = 0;
      out[1] = 0xFFFF00000000L | v4;
      return 4;
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == n) {
        out[0] = 0;
        out[1] = 0;
        return 6;
      }
    } else if (s.charAt(0) == ':') {
      return 0;
    }
    while (i < n) {
      int start = i;
      int v = 0;
      while (i < n && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
        v = (v << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      if (i < n && s.charAt(i) == '.') {
        long v4 = parseV4(s, start, n);
        if (v4 < 0 || count > 6) {
          return 0;
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xFFFF);
        i = n;
        break;
      }
      if (i == start || i - start > 4 || count == 8) {
        return 0;
      }
      groups[count++] = v;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return 0;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (gap >= 0) {
          return 0;
        }
        gap = count;
        i++;
      } else if (i == n) {
        return 0;
      }
    }
    if (gap < 0 ? count != 8 : count > 7) {
      return 0;
    }
    int[] full = new int[8];
    if (gap < 0) {
      full = groups;
    } else {
      int tail = count - gap;
      System.arraycopy(groups, 0, full, 0, gap);
      System.arraycopy(groups, gap, full, 8 - tail, tail);
    }
    out[0] = ((long) full[0] << 48) | ((long) full[1] << 32) | ((long) full[2] << 16) | full[3];
    out[1] = ((long) full[4] << 48) | ((long) full[5] << 32) | ((long) full[6] << 16) | full[7];
    return 6;
  }

  private static long parseV4(String s, int from, int to) {
    long v = 0;
    int parts = 0;
    int i = from;
    while (i <= to) {
      int start = i;
      int octet = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        octet = octet * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (i == start || octet > 255) {
        return -1;
      }
      v = (v << 8) | octet;
      parts++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != '.' || parts == 4) {
        return -1;
      }
      i++;
    }
    return parts == 4 ? v : -1;
  }
}
