package io.phosor.journal;

import io.phosor.event.Event;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Follows the journal from a sequence number on, batch by batch, keeping its place in the segment files between
 * calls: a consumer with a durable cursor (a forwarder) reads each event once, in order, however far behind it is,
 * and what it has read stays on disk, not in memory. Safe while the writer appends: a record is returned only when it
 * is complete and its checksum matches, and only up to the sequence number the caller knows to be durable (what the
 * pipeline has synced), so a tail that is still being written or is rolled back is never returned. Not thread-safe:
 * one reader per consumer thread.
 */
public final class JournalReader implements Closeable {
  private static final int HEADER = 8;

  private final Path dir;
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
  private ByteBuffer body = ByteBuffer.allocate(64 << 10);
  private FileChannel channel;
  /** The byte position in the open segment of the record with sequence number {@link #nextSeq}. */
  private long position;
  private long nextSeq;

  /** A reader whose first event is the one with sequence number {@code fromSeq} (>= 1). */
  public JournalReader(Path dir, long fromSeq) {
    if (fromSeq < 1) {
      throw new IllegalArgumentException("fromSeq must be >= 1, was " + fromSeq);
    }
    this.dir = dir;
    this.nextSeq = fromSeq;
  }

  /** The sequence number of the next event {@link #read} returns. */
  public long nextSeq() {
    return nextSeq;
  }

  /**
   * Reads up to {@code max} events with sequence numbers up to {@code untilSeq} (the last durable one), in order;
   * fewer (or none) when the journal holds no more yet.
   */
  public List<Event> read(long untilSeq, int max) throws IOException {
    List<Event> out = new ArrayList<>(Math.min(max, 1024));
    while (out.size() < max && nextSeq <= untilSeq) {
      if (channel == null && !open()) {
        break;
      }
      Event e = next(true);
      if (e == null) {
        if (!rollOver()) {
          break;
        }
        continue;
      }
      out.add(e);
    }
    return out;
  }

  /** Opens the segment holding {@link #nextSeq} and skips to it; false when no segment holds it yet. */
  private boolean open() throws IOException {
    List<Path> segs = Journal.segments(dir);
    Path seg = null;
    long base = 0;
    for (Path p : segs) {
      long b = Journal.baseOf(p);
      if (b <= nextSeq) {
        seg = p;
        base = b;
      }
    }
    if (seg == null) {
      if (segs.isEmpty() || Journal.baseOf(segs.get(0)) <= nextSeq) {
        return false;
      }
      // the events before the first segment were deleted by retention (JournalRetention): go on with what is left
      seg = segs.get(0);
      base = Journal.baseOf(seg);
      nextSeq = base;
    }
    try {
      channel = FileChannel.open(seg, StandardOpenOption.READ);
    } catch (java.nio.file.NoSuchFileException gone) {
      return false; // deleted by retention since it was listed: the next call lists again
    }
    position = 0;
    long target = nextSeq;
    nextSeq = base;
    while (nextSeq < target) {
      if (next(false) == null && !rollOver()) {
        // not written yet: start again from the segment list next time
        channel.close();
        channel = null;
        nextSeq = target;
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the record at {@link #position} (decoding it when {@code decode}) and moves past it; null when no complete,
   * valid record is there (yet).
   */
  private Event next(boolean decode) throws IOException {
    header.clear();
    if (readFully(header, position) < HEADER) {
      return null;
    }
    header.flip();
    int len = header.getInt();
    int sum = header.getInt();
    if (len <= 0 || len > Journal.MAX_RECORD_BYTES) {
      return null;
    }
    if (!decode) {
      // skipping to the cursor: a complete record is enough, its checksum is checked when it is read for real
      if (position + HEADER + len > channel.size()) {
        return null;
      }
      position += HEADER + len;
      nextSeq++;
      return SKIPPED;
    }
    if (body.capacity() < len) {
      body = ByteBuffer.allocate(len);
    }
    body.clear().limit(len);
    if (readFully(body, position + HEADER) < len) {
      return null;
    }
    crc.reset();
    crc.update(body.array(), 0, len);
    if ((int) crc.getValue() != sum) {
      return null;
    }
    Event e = EventCodec.decode(body.array(), 0, len);
    e.seq(nextSeq);
    position += HEADER + len;
    nextSeq++;
    return e;
  }

  /** A marker for a record skipped without decoding. */
  private static final Event SKIPPED = new Event("", null, java.time.Instant.EPOCH, "");

  /** Moves to the next segment when one starts at {@link #nextSeq}; false (staying put) otherwise. */
  private boolean rollOver() throws IOException {
    Path nextSeg = null;
    for (Path p : Journal.segments(dir)) {
      if (Journal.baseOf(p) == nextSeq) {
        nextSeg = p;
      }
    }
    if (nextSeg == null) {
      return false;
    }
    channel.close();
    channel = FileChannel.open(nextSeg, StandardOpenOption.READ);
    position = 0;
    return true;
  }

  private int readFully(ByteBuffer buf, long pos) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
