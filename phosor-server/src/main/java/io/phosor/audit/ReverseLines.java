package io.phosor.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a file's complete lines from the last to the first, a block at a time, so the newest entries of
 * a large day file are found without reading it all. A last line without its newline (being written, or
 * torn by a crash) is skipped. A line longer than {@link AuditFiles#MAX_LINE_BYTES} comes back empty.
 */
final class ReverseLines implements Closeable {
  /** Bytes read per step backwards. */
  static final int BLOCK = 64 * 1024;

  private final FileChannel ch;
  private final byte[] data = new byte[BLOCK];
  private long blockStart;
  /** Bytes of {@link #data} not yet returned: the pending line ends at index {@code i} (exclusive). */
  private int i;
  private byte[] carry = new byte[0];
  private boolean oversized;
  private boolean done;

  ReverseLines(Path file) throws IOException {
    this.ch = FileChannel.open(file, StandardOpenOption.READ);
    long size = ch.size();
    blockStart = size;
    i = 0;
    if (size == 0) {
      done = true;
      return;
    }
    ByteBuffer last = ByteBuffer.allocate(1);
    ch.read(last, size - 1);
    if (last.get(0) == '\n') {
      blockStart = size - 1;
    } else {
      next(); // the torn or unfinished last line
    }
  }

  /** The previous complete line (without its newline), or null at the start of the file. */
  String next() throws IOException {
    while (!done) {
      for (int k = i - 1; k >= 0; k--) {
        if (data[k] == '\n') {
          String line = take(k + 1);
          i = k;
          return line;
        }
      }
      if (blockStart == 0) {
        done = true;
        return take(0); // the first line, possibly empty
      }
      keep(0, i);
      long end = blockStart;
      blockStart = Math.max(0, end - BLOCK);
      int n = (int) (end - blockStart);
      ByteBuffer bb = ByteBuffer.wrap(data, 0, n);
      while (bb.hasRemaining()) {
        if (ch.read(bb, blockStart + bb.position()) < 0) {
          throw new IOException("file shrank while it was read");
        }
      }
      i = n;
    }
    return null;
  }

  /** Returns data[from, i) + carry as a line and resets the carry. */
  private String take(int from) {
    String line;
    if (oversized) {
      line = "";
    } else if (carry.length == 0) {
      line = new String(data, from, i - from, StandardCharsets.UTF_8);
    } else {
      byte[] all = new byte[i - from + carry.length];
      System.arraycopy(data, from, all, 0, i - from);
      System.arraycopy(carry, 0, all, i - from, carry.length);
      line = new String(all, StandardCharsets.UTF_8);
    }
    carry = new byte[0];
    oversized = false;
    return line;
  }

  /** Prepends data[from, to) to the carry (a line that continues in the previous block). */
  private void keep(int from, int to) {
    if (oversized) {
      return;
    }
    int n = to - from;
    if (carry.length + n > AuditFiles.MAX_LINE_BYTES) {
      oversized = true;
      carry = new byte[0];
      return;
    }
    byte[] c = new byte[n + carry.length];
    System.arraycopy(data, from, c, 0, n);
    System.arraycopy(carry, 0, c, n, carry.length);
    carry = c;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
