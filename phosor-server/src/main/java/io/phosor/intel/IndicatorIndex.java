package io.phosor.intel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An immutable look-up structure over every loaded address block, built once per reload and swapped in
 * atomically. CIDR blocks are either disjoint or nested, never partly overlapping; sorted by start address
 * (larger blocks first on a tie), each block records the nearest block that contains it. A look-up is one
 * binary search for the last block starting at or before the address, then a walk up the containing blocks
 * (at most 33 for IPv4, 129 for IPv6; usually none): every block that contains the address is that block or
 * one of its ancestors. IPv4 keys are 32-bit ints compared unsigned, IPv6 keys two longs. The look-up
 * allocates nothing.
 */
final class IndicatorIndex {
  /** The empty index. */
  static final IndicatorIndex EMPTY = build(List.of());
  /** The global indicator reference is packed in 23 bits of a sort key: the total limit stays below it. */
  static final int MAX_REFS = 1 << 23;

  private final Indicator[] indicators;
  private final int[] v4Start;
  private final byte[] v4Len;
  private final int[] v4Ref;
  private final int[] v4Parent;
  private final long[] v6Hi;
  private final long[] v6Lo;
  private final short[] v6Len;
  private final int[] v6Ref;
  private final int[] v6Parent;

  private IndicatorIndex(Indicator[] indicators, int[] v4Start, byte[] v4Len, int[] v4Ref, int[] v4Parent,
      long[] v6Hi, long[] v6Lo, short[] v6Len, int[] v6Ref, int[] v6Parent) {
    this.indicators = indicators;
    this.v4Start = v4Start;
    this.v4Len = v4Len;
    this.v4Ref = v4Ref;
    this.v4Parent = v4Parent;
    this.v6Hi = v6Hi;
    this.v6Lo = v6Lo;
    this.v6Len = v6Len;
    this.v6Ref = v6Ref;
    this.v6Parent = v6Parent;
  }

  /** Builds the index of {@code files}; their entries together must be fewer than {@link #MAX_REFS}. */
  static IndicatorIndex build(List<FileEntries> files) {
    int nInd = 0;
    int n4 = 0;
    int n6 = 0;
    for (FileEntries f : files) {
      nInd += f.indicators.size();
      n4 += f.v4Count;
      n6 += f.v6Count;
    }
    if (nInd >= MAX_REFS) {
      throw new IllegalArgumentException(nInd + " indicators, more than " + MAX_REFS);
    }
    Indicator[] indicators = new Indicator[nInd];
    long[] keys = new long[n4];
    long[] hi = new long[n6];
    long[] lo = new long[n6];
    short[] len6 = new short[n6];
    int[] ref6 = new int[n6];
    int base = 0;
    int k4 = 0;
    int k6 = 0;
    for (FileEntries f : files) {
      for (int i = 0; i < f.indicators.size(); i++) {
        indicators[base + i] = f.indicators.get(i);
      }
      for (int i = 0; i < f.v4Count; i++) {
        long packed = f.v4[i];
        // start (32 bits) | prefix (6 bits) | reference (23 bits): sorts by start, larger block first, then file order
        keys[k4++] = ((packed >>> 8) << 29) | ((packed & 0xff) << 23) | (base + f.v4Ref[i]);
      }
      for (int i = 0; i < f.v6Count; i++) {
        hi[k6] = f.v6Hi[i];
        lo[k6] = f.v6Lo[i];
        len6[k6] = f.v6Len[i];
        ref6[k6++] = base + f.v6Ref[i];
      }
      base += f.indicators.size();
    }
    java.util.Arrays.sort(keys);
    int[] v4Start = new int[n4];
    byte[] v4Len = new byte[n4];
    int[] v4Ref = new int[n4];
    for (int i = 0; i < n4; i++) {
      v4Start[i] = (int) (keys[i] >>> 29);
      v4Len[i] = (byte) ((keys[i] >>> 23) & 0x3f);
      v4Ref[i] = (int) (keys[i] & (MAX_REFS - 1));
    }
    int[] v4Parent = new int[n4];
    int[] stack = new int[34];
    int top = -1;
    for (int i = 0; i < n4; i++) {
      while (top >= 0 && !containsV4(v4Start[stack[top]], v4Len[stack[top]], v4Start[i] & 0xffffffffL, v4Len[i])) {
        top--;
      }
      v4Parent[i] = top >= 0 ? stack[top] : -1;
      if (top + 1 == stack.length) {
        stack = java.util.Arrays.copyOf(stack, stack.length * 2); // equal blocks from several files nest too
      }
      stack[++top] = i;
    }
    int[] order = sortV6(hi, lo, len6, ref6);
    long[] v6Hi = new long[n6];
    long[] v6Lo = new long[n6];
    short[] v6Len = new short[n6];
    int[] v6Ref = new int[n6];
    for (int i = 0; i < n6; i++) {
      int o = order[i];
      v6Hi[i] = hi[o];
      v6Lo[i] = lo[o];
      v6Len[i] = len6[o];
      v6Ref[i] = ref6[o];
    }
    int[] v6Parent = new int[n6];
    stack = new int[130];
    top = -1;
    for (int i = 0; i < n6; i++) {
      while (top >= 0 && !(v6Len[stack[top]] <= v6Len[i]
          && containsV6(v6Hi[stack[top]], v6Lo[stack[top]], v6Len[stack[top]], v6Hi[i], v6Lo[i]))) {
        top--;
      }
      v6Parent[i] = top >= 0 ? stack[top] : -1;
      if (top + 1 == stack.length) {
        stack = java.util.Arrays.copyOf(stack, stack.length * 2);
      }
      stack[++top] = i;
    }
    return new IndicatorIndex(indicators, v4Start, v4Len, v4Ref, v4Parent, v6Hi, v6Lo, v6Len, v6Ref, v6Parent);
  }

  private static boolean containsV4(int start, int len, long ip, int ipLen) {
    return len <= ipLen && (ip & Ip.maskV4(len)) == (start & 0xffffffffL);
  }

  private static boolean containsV4(int start, int len, long ip) {
    return (ip & Ip.maskV4(len)) == (start & 0xffffffffL);
  }

  private static boolean containsV6(long nHi, long nLo, int len, long hi, long lo) {
    return (hi & Ip.maskHi(len)) == nHi && (lo & Ip.maskLo(len)) == nLo;
  }

  private static int compareV6(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  /** The IPv6 entries' order: by address, then larger block first, then file order (a stable merge sort). */
  private static int[] sortV6(long[] hi, long[] lo, short[] len, int[] ref) {
    int n = hi.length;
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    int[] b = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int left = 0; left < n; left += 2 * width) {
        int mid = Math.min(left + width, n);
        int right = Math.min(left + 2 * width, n);
        int i = left;
        int j = mid;
        int k = left;
        while (i < mid && j < right) {
          int x = a[i];
          int y = a[j];
          int c = compareV6(hi[x], lo[x], hi[y], lo[y]);
          if (c == 0) {
            c = Integer.compare(len[x], len[y]);
          }
          if (c == 0) {
            c = Integer.compare(ref[x], ref[y]);
          }
          b[k++] = c <= 0 ? a[i++] : a[j++];
        }
        while (i < mid) {
          b[k++] = a[i++];
        }
        while (j < right) {
          b[k++] = a[j++];
        }
      }
      int[] t = a;
      a = b;
      b = t;
    }
    return a;
  }

  /** Address blocks in the index. */
  int size() {
    return v4Start.length + v6Hi.length;
  }

  /** Whether nothing is loaded (the hot path returns at once). */
  boolean isEmpty() {
    return v4Start.length == 0 && v6Hi.length == 0;
  }

  /** The most specific indicator valid at {@code now} that lists IPv4 address {@code ip}, or null. */
  Indicator firstV4(long ip, long now) {
    int j = lastV4(ip);
    while (j >= 0) {
      if (containsV4(v4Start[j], v4Len[j], ip)) {
        Indicator ind = indicators[v4Ref[j]];
        if (ind.validAt(now)) {
          return ind;
        }
      }
      j = v4Parent[j];
    }
    return null;
  }

  /** The most specific indicator valid at {@code now} that lists IPv6 address {@code hi:lo}, or null. */
  Indicator firstV6(long hi, long lo, long now) {
    int j = lastV6(hi, lo);
    while (j >= 0) {
      if (containsV6(v6Hi[j], v6Lo[j], v6Len[j], hi, lo)) {
        Indicator ind = indicators[v6Ref[j]];
        if (ind.validAt(now)) {
          return ind;
        }
      }
      j = v6Parent[j];
    }
    return null;
  }

  /**
   * The indicator valid at {@code now} listing the address {@code text} (IPv4 or IPv6), most specific first;
   * null when {@code text} is not an address or nothing lists it. Allocation-free: {@code scratch} is the
   * caller's two-long buffer.
   */
  Indicator first(String text, long now, long[] scratch) {
    long v4 = Ip.parseV4(text);
    if (v4 != Ip.NOT_V4) {
      return v4Start.length == 0 ? null : firstV4(v4, now);
    }
    if (text.indexOf(':') < 0 || !Ip.parseV6(text, 0, text.length(), scratch)) {
      return null;
    }
    if (Ip.isMapped(scratch[0], scratch[1])) {
      return v4Start.length == 0 ? null : firstV4(scratch[1] & 0xffffffffL, now);
    }
    return v6Hi.length == 0 ? null : firstV6(scratch[0], scratch[1], now);
  }

  /** One match: the indicator and the network that lists the address. */
  record Match(Indicator indicator, String network) {
    /** The match as JSON. */
    Map<String, Object> toJson() {
      return indicator.toJson(network);
    }
  }

  /** Every indicator valid at {@code now} that lists {@code address}, most specific first. */
  List<Match> matches(Ip.Block address, long now) {
    List<Match> out = new ArrayList<>();
    if (!address.v6()) {
      long ip = address.lo();
      for (int j = lastV4(ip); j >= 0; j = v4Parent[j]) {
        if (containsV4(v4Start[j], v4Len[j], ip) && indicators[v4Ref[j]].validAt(now)) {
          out.add(new Match(indicators[v4Ref[j]], new Ip.Block(false, 0, v4Start[j] & 0xffffffffL, v4Len[j]).text()));
        }
      }
    } else {
      for (int j = lastV6(address.hi(), address.lo()); j >= 0; j = v6Parent[j]) {
        if (containsV6(v6Hi[j], v6Lo[j], v6Len[j], address.hi(), address.lo()) && indicators[v6Ref[j]].validAt(now)) {
          out.add(new Match(indicators[v6Ref[j]], new Ip.Block(true, v6Hi[j], v6Lo[j], v6Len[j]).text()));
        }
      }
    }
    return out;
  }

  /** Index of the last IPv4 block starting at or before {@code ip}, or -1. */
  private int lastV4(long ip) {
    int lo = 0;
    int hi = v4Start.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if ((v4Start[mid] & 0xffffffffL) <= ip) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private int lastV6(long aHi, long aLo) {
    int lo = 0;
    int hi = v6Hi.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compareV6(v6Hi[mid], v6Lo[mid], aHi, aLo) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
