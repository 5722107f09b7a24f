package io.phosor.ingest.file;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the bytes of a file into lines: LF ends a line, a CR before it is stripped, text is decoded
 * as UTF-8 with malformed bytes replaced by U+FFFD. A line longer than {@code maxLineBytes} is cut at
 * that length (on a character boundary) and marked truncated; the rest of it, up to its LF, is
 * skipped. Bytes after the last LF wait for more input. Memory is bounded by {@code maxLineBytes}.
 */
final class LineSplitter {
  /** One complete line and the file offset just past its LF. */
  record Line(String text, long endOffset, boolean truncated) {}

  private final int maxLineBytes;
  private byte[] carry = new byte[256];
  private int carryLen;
  private boolean overflow;
  private long pendingBytes;

  LineSplitter(int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be > 0, was " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Feeds {@code len} bytes of {@code buf} from {@code off}, which start at file offset {@code at},
   * and appends every line they complete to {@code out}.
   */
  void feed(byte[] buf, int off, int len, long at, List<Line> out) {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      if (buf[i] == '\n') {
        append(buf, start, i - start);
        out.add(take(at + (i - off) + 1));
        start = i + 1;
      }
    }
    append(buf, start, end - start);
  }

  /** Returns the bytes waiting for their LF as a last line ending at {@code endOffset}, or null when none. */
  Line flush(long endOffset) {
    if (pendingBytes == 0) {
      return null;
    }
    return take(endOffset);
  }

  /** Bytes received since the last LF (including skipped bytes of an overlong line). */
  long pendingBytes() {
    return pendingBytes;
  }

  /** Forgets any partial line (after truncation or a switch to another file). */
  void reset() {
    carryLen = 0;
    overflow = false;
    pendingBytes = 0;
  }

  private void append(byte[] buf, int from, int n) {
    if (n == 0) {
      return;
    }
    pendingBytes += n;
    int room = maxLineBytes - carryLen;
    if (n > room) {
      overflow = true;
      n = room;
    }
    if (n <= 0) {
      return;
    }
    if (carryLen + n > carry.length) {
      byte[] bigger = new byte[Math.min(maxLineBytes, Math.max(carry.length * 2, carryLen + n))];
      System.arraycopy(carry, 0, bigger, 0, carryLen);
      carry = bigger;
    }
    System.arraycopy(buf, from, carry, carryLen, n);
    carryLen += n;
  }

  private Line take(long endOffset) {
    int len = carryLen;
    boolean truncated = overflow;
    if (truncated) {
      // Do not split a multi-byte UTF-8 sequence: back up over continuation bytes (10xxxxxx) and
      // their lead byte when the sequence is incomplete.
      int i = len;
      while (i > 0 && (carry[i - 1] & 0xC0) == 0x80) {
        i--;
      }
      if (i > 0 && (carry[i - 1] & 0x80) != 0) {
        int lead = carry[i - 1] & 0xFF;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (len - (i - 1) < need) {
          len = i - 1;
        }
      }
    } else if (len > 0 && carry[len - 1] == '\r') {
      len--;
    }
    String text = new String(carry, 0, len, StandardCharsets.UTF_8);
    reset();
    if (carry.length > 4096) {
      carry = new byte[256];
    }
    return new Line(text, endOffset, truncated);
  }
}
