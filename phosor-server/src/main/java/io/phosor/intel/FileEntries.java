package io.phosor.intel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entries read from one indicator file: address blocks in primitive arrays (a list of millions of
 * addresses costs a few bytes per entry, not an object each) pointing at the file's {@link Indicator}s.
 */
final class FileEntries {
  final String file;
  final String format;
  final List<Indicator> indicators = new ArrayList<>();
  private final int max;
  long[] v4 = new long[64];
  int[] v4Ref = new int[64];
  int v4Count;
  long[] v6Hi = new long[16];
  long[] v6Lo = new long[16];
  short[] v6Len = new short[16];
  int[] v6Ref = new int[16];
  int v6Count;
  /** Indicators (rows, STIX objects) whose form Phosor does not read: not guessed, counted. */
  int unsupported;
  /** STIX indicators marked revoked: skipped. */
  int revoked;

  /** Entries of {@code file} ({@code format}), at most {@code max}. */
  FileEntries(String file, String format, int max) {
    this.file = file;
    this.format = format;
    this.max = max;
  }

  /** Adds an indicator and returns its index for {@link #add}. */
  int indicator(Indicator i) {
    indicators.add(i);
    return indicators.size() - 1;
  }

  /** Adds one block of indicator {@code ref}; false when the file already holds its maximum of entries. */
  boolean add(Ip.Block b, int ref) {
    if (size() >= max) {
      return false;
    }
    if (b.v6()) {
      if (v6Count == v6Hi.length) {
        int n = v6Count * 2;
        v6Hi = Arrays.copyOf(v6Hi, n);
        v6Lo = Arrays.copyOf(v6Lo, n);
        v6Len = Arrays.copyOf(v6Len, n);
        v6Ref = Arrays.copyOf(v6Ref, n);
      }
      v6Hi[v6Count] = b.hi();
      v6Lo[v6Count] = b.lo();
      v6Len[v6Count] = (short) b.prefix();
      v6Ref[v6Count++] = ref;
    } else {
      if (v4Count == v4.length) {
        v4 = Arrays.copyOf(v4, v4Count * 2);
        v4Ref = Arrays.copyOf(v4Ref, v4Count * 2);
      }
      v4[v4Count] = (b.lo() << 8) | b.prefix();
      v4Ref[v4Count++] = ref;
    }
    return true;
  }

  /** Address blocks read. */
  int size() {
    return v4Count + v6Count;
  }
}
