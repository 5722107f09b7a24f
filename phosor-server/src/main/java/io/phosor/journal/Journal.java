package io.phosor.journal;

import io.phosor.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The durable on-disk journal: every accepted event is appended here, and a sender is acknowledged
 * only after {@link #sync()} has forced it to disk. Append-only segment files named by the sequence
 * number of their first record; each record is {@code [int length][int crc32c][JSON event]}
 * (little-endian). On open, a torn or corrupt tail of the last segment (a crash mid-write) is cut
 * off, so the journal holds exactly the records that were completely written. The sequence number is
 * the event's stable id. Not thread-safe: one writer thread owns it; readers open their own files.
 */
public final class Journal implements Closeable {
  static final String SUFFIX = ".seg";
  /** A record larger than this is corruption, not data: events are bounded far below it at the edge. */
  static final int MAX_RECORD_BYTES = 64 << 20;
  private static final int HEADER = 8;

  private final Path dir;
  private final long segmentBytes;
  private FileChannel channel;
  private long segmentSize;
  private long nextSeq;
  private long syncedSeq;
  /** Bytes of the current segment that are durable: a failed write is cut back to this. */
  private long syncedSize;
  /** Records appended since the last sync (the current segment's base is nextSeq - pendingRecords when it rolled). */
  private long pendingRecords;
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(1024);
  private ByteBuffer pending = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();

  private Journal(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
  }

  /** Opens (creating if needed) the journal in {@code dir}, recovering from a crash if there was one. */
  public static Journal open(Path dir, long segmentBytes) throws IOException {
    Files.createDirectories(dir);
    Journal j = new Journal(dir, segmentBytes);
    j.recover();
    return j;
  }

  private void recover() throws IOException {
    List<Path> segs = segments(dir);
    if (segs.isEmpty()) {
      nextSeq = 1;
      openSegment(1);
    } else {
      Path last = segs.get(segs.size() - 1);
      long base = baseOf(last);
      Scan scan = scan(last, base, Long.MAX_VALUE, null);
      try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
        if (ch.size() > scan.validBytes) {
          ch.truncate(scan.validBytes);
          ch.force(true);
        }
      }
      nextSeq = base + scan.records;
      channel = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      segmentSize = scan.validBytes;
    }
    syncedSeq = nextSeq - 1;
    syncedSize = segmentSize;
  }

  private void openSegment(long base) throws IOException {
    Path p = dir.resolve(String.format("%019d%s", base, SUFFIX));
    channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    segmentSize = channel.size();
    syncedSize = segmentSize;
    // Make the new file's directory entry durable too.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems do not allow opening a directory; the data itself is still forced.
    }
  }

  /** Appends an event (assigning its sequence number) to the write buffer; durable after {@link #sync()}. */
  public long append(Event e) {
    long seq = nextSeq++;
    pendingRecords++;
    e.seq(seq);
    scratch.reset();
    EventCodec.encode(e, scratch);
    byte[] body = scratch.toByteArray();
    crc.reset();
    crc.update(body, 0, body.length);
    int need = HEADER + body.length;
    if (pending.remaining() < need) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + need))
          .order(ByteOrder.LITTLE_ENDIAN);
      pending.flip();
      bigger.put(pending);
      pending = bigger;
    }
    pending.putInt(body.length).putInt((int) crc.getValue()).put(body);
    return seq;
  }

  /**
   * Writes buffered records and forces them to disk; after it returns they survive a crash. When it throws
   * (disk full, I/O error) nothing of the batch is durable; call {@link #rollback()} before appending again.
   */
  public void sync() throws IOException {
    if (channel == null || !channel.isOpen()) {
      // a roll to a new segment failed earlier (e.g. the disk was full): try again before writing
      openSegment(nextSeq - pendingRecords);
    }
    if (pending.position() > 0) {
      pending.flip();
      while (pending.hasRemaining()) {
        segmentSize += channel.write(pending);
      }
      pending.clear();
      if (pending.capacity() > (8 << 20)) {
        pending = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      }
      channel.force(false);
    }
    syncedSeq = nextSeq - 1;
    syncedSize = segmentSize;
    pendingRecords = 0;
    if (segmentSize >= segmentBytes) {
      channel.close();
      openSegment(nextSeq);
    }
  }

  /**
   * Forgets everything appended since the last successful {@link #sync()}: cuts a partly written tail off
   * the segment and hands the same sequence numbers out again, so a batch that failed to sync can be
   * appended and synced again once the cause (a full disk) is gone, without a gap or a duplicate.
   */
  public void rollback() throws IOException {
    pending.clear();
    nextSeq = syncedSeq + 1;
    pendingRecords = 0;
    if (channel != null && channel.isOpen()) {
      if (channel.size() > syncedSize) {
        channel.truncate(syncedSize);
      }
      segmentSize = syncedSize;
    }
  }

  /** The sequence number of the last durable event (0 when the journal is empty). */
  public long lastSyncedSeq() {
    return syncedSeq;
  }

  /** The directory of the journal. */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    try {
      sync();
    } finally {
      if (channel != null) {
        channel.close();
      }
    }
  }

  /**
   * Reads every complete event with sequence number >= {@code fromSeq} in order, from the files on disk
   * (safe while the writer appends: a partly written tail is not returned). Events in segments that
   * {@link JournalRetention} has deleted are no longer there: reading starts at the oldest one left.
   */
  public static void read(Path dir, long fromSeq, Consumer<Event> consumer) throws IOException {
    List<Path> segs = segments(dir);
    for (int i = 0; i < segs.size(); i++) {
      long base = baseOf(segs.get(i));
      long nextBase = i + 1 < segs.size() ? baseOf(segs.get(i + 1)) : Long.MAX_VALUE;
      if (nextBase <= fromSeq) {
        continue;
      }
      try {
        scan(segs.get(i), base, fromSeq, consumer);
      } catch (java.nio.file.NoSuchFileException gone) {
        // deleted by retention (JournalRetention) since it was listed: it held only events every consumer had
      }
    }
  }

  /** Reads all events from the journal in {@code dir} into a list (for tests and tools; small journals). */
  public static List<Event> readAll(Path dir) {
    List<Event> out = new ArrayList<>();
    try {
      read(dir, 1, out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private record Scan(long records, long validBytes) {}

  private static Scan scan(Path seg, long base, long fromSeq, Consumer<Event> consumer) throws IOException {
    long records = 0;
    long pos = 0;
    CRC32C crc = new CRC32C();
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer body = ByteBuffer.allocate(64 << 10);
      while (pos + HEADER <= size) {
        header.clear();
        if (readFully(ch, header, pos) < HEADER) {
          break;
        }
        header.flip();
        int len = header.getInt();
        int sum = header.getInt();
        if (len <= 0 || len > MAX_RECORD_BYTES || pos + HEADER + len > size) {
          break;
        }
        if (body.capacity() < len) {
          body = ByteBuffer.allocate(len);
        }
        body.clear().limit(len);
        if (readFully(ch, body, pos + HEADER) < len) {
          break;
        }
        crc.reset();
        crc.update(body.array(), 0, len);
        if ((int) crc.getValue() != sum) {
          break;
        }
        long seq = base + records;
        if (consumer != null && seq >= fromSeq) {
          Event e = EventCodec.decode(body.array(), 0, len);
          e.seq(seq);
          consumer.accept(e);
        }
        records++;
        pos += HEADER + len;
      }
    }
    return new Scan(records, pos);
  }

  private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  static List<Path> segments(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
  }

  static long baseOf(Path seg) {
    String n = seg.getFileName().toString();
    return Long.parseLong(n.substring(0, n.length() - SUFFIX.length()));
  }
}
