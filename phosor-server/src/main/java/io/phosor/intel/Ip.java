package io.phosor.intel;

/**
 * IPv4 and IPv6 address text to numbers and back, without DNS and without allocating on the look-up path.
 * An address is 128 bits in two longs ({@code hi}, {@code lo}); an IPv4 address is kept apart as a 32-bit
 * value (IPv4-mapped IPv6 {@code ::ffff:a.b.c.d} is read as the IPv4 address, RFC 4291 section 2.5.5.2).
 * Text forms: RFC 4291 section 2.2 (with an embedded dotted IPv4 tail and an optional {@code %zone}, which
 * is ignored); output is RFC 5952's canonical form. IPv4 octets with leading zeros are refused: some parsers
 * read them as octal, so their meaning is ambiguous.
 */
final class Ip {
  /** Returned by {@link #parseV4} when the text is not an IPv4 address. */
  static final long NOT_V4 = -1;

  private Ip() {}

  /** The IPv4 address in {@code s[from, to)} as an unsigned 32-bit value, or {@link #NOT_V4}. */
  static long parseV4(CharSequence s, int from, int to) {
    if (to - from < 7 || to - from > 15) {
      return NOT_V4;
    }
    long value = 0;
    int octets = 0;
    int i = from;
    while (i < to) {
      int start = i;
      int octet = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        octet = octet * 10 + (s.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          return NOT_V4;
        }
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return NOT_V4;
      }
      value = (value << 8) | octet;
      octets++;
      if (i < to) {
        if (s.charAt(i) != '.' || octets == 4) {
          return NOT_V4;
        }
        i++;
        if (i == to) {
          return NOT_V4;
        }
      }
    }
    return octets == 4 ? value : NOT_V4;
  }

  /** The IPv4 address {@code s}, or {@link #NOT_V4}. */
  static long parseV4(CharSequence s) {
    return parseV4(s, 0, s.length());
  }

  /**
   * Reads the IPv6 address in {@code s[from, to)} into {@code out[0]} (high 64 bits) and {@code out[1]} (low);
   * false when it is not one. A {@code %zone} suffix is ignored.
   */
  static boolean parseV6(CharSequence s, int from, int to, long[] out) {
    for (int k = from; k < to; k++) {
      if (s.charAt(k) == '%') {
        to = k;
        break;
      }
    }
    if (to - from < 2 || to - from > 45) {
      return false;
    }
    // groups before "::" accumulate in (hHi, hLo), groups after it in (tHi, tLo); both right-aligned
    long hHi = 0;
    long hLo = 0;
    long tHi = 0;
    long tLo = 0;
    int count = 0;
    int head = 0;
    boolean gap = false;
    int i = from;
    if (s.charAt(i) == ':') {
      if (s.charAt(i + 1) != ':') {
        return false;
      }
      gap = true;
      i += 2;
    }
    while (i < to) {
      int start = i;
      int v = 0;
      int d;
      while (i < to && (d = hex(s.charAt(i))) >= 0) {
        v = (v << 4) | d;
        i++;
        if (i - start > 4) {
          return false;
        }
      }
      int words = 1;
      long value = v;
      if (i < to && s.charAt(i) == '.') {
        // embedded IPv4 tail: two groups, and the end of the address
        value = parseV4(s, start, to);
        if (value == NOT_V4) {
          return false;
        }
        words = 2;
        i = to;
      } else if (i == start) {
        return false;
      }
      count += words;
      if (count > 8) {
        return false;
      }
      int bits = 16 * words;
      if (gap) {
        tHi = (tHi << bits) | (tLo >>> (64 - bits));
        tLo = (tLo << bits) | value;
      } else {
        hHi = (hHi << bits) | (hLo >>> (64 - bits));
        hLo = (hLo << bits) | value;
        head += words;
      }
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (gap) {
          return false;
        }
        gap = true;
        i++;
      } else if (i == to) {
        return false;
      }
    }
    if (gap ? count > 7 : count != 8) {
      return false;
    }
    if (gap) {
      // move the head groups to the top: shift left by 16 * (8 - headCount) bits, then add the tail
      int shift = 128 - 16 * head;
      long sHi;
      long sLo;
      if (shift >= 128) {
        sHi = 0;
        sLo = 0;
      } else if (shift >= 64) {
        sHi = hLo << (shift - 64);
        sLo = 0;
      } else if (shift == 0) {
        sHi = hHi;
        sLo = hLo;
      } else {
        sHi = (hHi << shift) | (hLo >>> (64 - shift));
        sLo = hLo << shift;
      }
      hHi = sHi | tHi;
      hLo = sLo | tLo;
    }
    out[0] = hHi;
    out[1] = hLo;
    return true;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** True when {@code hi:lo} is an IPv4-mapped address ({@code ::ffff:0:0/96}). */
  static boolean isMapped(long hi, long lo) {
    return hi == 0 && (lo >>> 32) == 0xffffL;
  }

  /** Dotted-quad text of an IPv4 value. */
  static String formatV4(long v) {
    return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }

  /** RFC 5952 text of an IPv6 address: lower case, the longest run of two or more zero groups as "::". */
  static String formatV6(long hi, long lo) {
    int[] g = new int[8];
    for (int k = 0; k < 4; k++) {
      g[k] = (int) ((hi >>> (16 * (3 - k))) & 0xffff);
      g[k + 4] = (int) ((lo >>> (16 * (3 - k))) & 0xffff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int k = 0; k < 8; ) {
      if (g[k] != 0) {
        k++;
        continue;
      }
      int start = k;
      while (k < 8 && g[k] == 0) {
        k++;
      }
      if (k - start > bestLen) {
        bestStart = start;
        bestLen = k - start;
      }
    }
    StringBuilder b = new StringBuilder(39);
    for (int k = 0; k < 8; k++) {
      if (k == bestStart) {
        b.append("::");
        k += bestLen - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(g[k]));
    }
    return b.toString();
  }

  /**
   * A parsed address or CIDR block, for files and the API (allocates). For IPv4 {@code lo} holds the 32-bit
   * value and {@code hi} is 0.
   *
   * @param v6 whether it is IPv6 (not IPv4-mapped: those become IPv4)
   * @param hi high 64 bits (IPv6)
   * @param lo low 64 bits, or the IPv4 value
   * @param prefix prefix length (32 or 128 for one address)
   */
  record Block(boolean v6, long hi, long lo, int prefix) {
    /** The canonical text: the address, or network/prefix. */
    String text() {
      String a = v6 ? formatV6(hi, lo) : formatV4(lo);
      return prefix == (v6 ? 128 : 32) ? a : a + "/" + prefix;
    }

    /** Whether this is one address. */
    boolean single() {
      return prefix == (v6 ? 128 : 32);
    }
  }

  /**
   * An address or CIDR block ({@code a.b.c.d}, {@code a.b.c.d/n}, IPv6 likewise), host bits cleared; null when
   * {@code text} is neither.
   */
  static Block parseBlock(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    int end = slash < 0 ? t.length() : slash;
    int prefix = -1;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      prefix = Integer.parseInt(p);
    }
    long v4 = parseV4(t, 0, end);
    if (v4 != NOT_V4) {
      if (prefix > 32) {
        return null;
      }
      int len = prefix < 0 ? 32 : prefix;
      return new Block(false, 0, v4 & maskV4(len), len);
    }
    if (t.indexOf('%') >= 0) {
      return null; // a zone has no place in an indicator
    }
    long[] w = new long[2];
    if (!parseV6(t, 0, end, w)) {
      return null;
    }
    if (prefix > 128) {
      return null;
    }
    int len = prefix < 0 ? 128 : prefix;
    if (isMapped(w[0], w[1]) && len >= 96) {
      return new Block(false, 0, (w[1] & 0xffffffffL) & maskV4(len - 96), len - 96);
    }
    return new Block(true, w[0] & maskHi(len), w[1] & maskLo(len), len);
  }

  /** An address (no prefix), or null. */
  static Block parseAddress(String text) {
    if (text == null || text.indexOf('/') >= 0) {
      return null;
    }
    String t = text.trim();
    long v4 = parseV4(t);
    if (v4 != NOT_V4) {
      return new Block(false, 0, v4, 32);
    }
    long[] w = new long[2];
    if (!parseV6(t, 0, t.length(), w)) {
      return null;
    }
    if (isMapped(w[0], w[1])) {
      return new Block(false, 0, w[1] & 0xffffffffL, 32);
    }
    return new Block(true, w[0], w[1], 128);
  }

  /** Network mask of an IPv4 prefix length, as a 32-bit value. */
  static long maskV4(int len) {
    return len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
  }

  /** High 64 bits of an IPv6 network mask. */
  static long maskHi(int len) {
    return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
  }

  /** Low 64 bits of an IPv6 network mask. */
  static long maskLo(int len) {
    return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
  }
}
