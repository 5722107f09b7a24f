package io.phosor.ingest.file;

import io.phosor.event.Fields;
import io.phosor.pipeline.Ack;
import io.phosor.pipeline.Inbound;
import io.phosor.pipeline.Pipeline;
import io.phosor.stats.SourceCounters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tailed file: reads new bytes from its offset, cuts them into lines, submits them to the pipeline
 * in batches that are kept, in order, until the journal has them, and follows rotation. Confined to
 * the tailer's thread (every method is called with the tailer's lock held) except {@link Batch#state},
 * which the pipeline thread sets.
 */
final class Tail {
  private static final Logger LOG = LoggerFactory.getLogger(Tail.class);

  /** ECS: the inode of the file a line was read from; with the device it tells rotated files apart. */
  static final String INODE = Fields.LOG_FILE_INODE;
  /** ECS: the device of the file a line was read from. */
  static final String DEVICE = Fields.LOG_FILE_DEVICE;
  /** ECS (as Filebeat uses it): ["truncated"] on a line cut at the maximum line length. */
  static final String FLAGS = Fields.LOG_FLAGS;

  /** Longest line kept whole; Filebeat's default max_bytes is 10 MB, ours matches the syslog frame default. */
  static final int MAX_LINE_BYTES = 64 << 10;
  /** Bytes read from one file per poll: keeps one busy file from starving the others. */
  static final int MAX_BYTES_PER_POLL = 1 << 20;
  /** Batches of one file that may wait for the journal at once: bounds memory, keeps the pipe full. */
  static final int MAX_OUTSTANDING_BATCHES = 32;
  /**
   * Polls a rotated-away (or vanished) file must stay quiet before we let go of it: a writer that has
   * not reopened yet (before logrotate's postrotate signal) still appends to the old inode.
   */
  static final int ROTATION_GRACE_POLLS = 2;
  /** Directory entries examined when looking for a file renamed while Phosor was down. */
  static final int MAX_SIBLINGS = 1024;
  private static final int READ_CHUNK = 64 << 10;

  /** Where a batch is between the file and the journal. */
  enum State { UNSENT, INFLIGHT, DONE, FAILED }

  /** Lines submitted together, with the position they complete. */
  static final class Batch {
    final Tail tail;
    final List<Inbound> items;
    final FileId id;
    final long endOffset;
    volatile State state = State.UNSENT;
    volatile long lastSeq = -1;
    volatile Ack ack;

    Batch(Tail tail, List<Inbound> items, FileId id, long endOffset) {
      this.tail = tail;
      this.items = items;
      this.id = id;
      this.endOffset = endOffset;
      if (items.isEmpty()) {
        state = State.DONE;
      }
    }
  }

  final String path;
  final Path file;
  final String source;
  final SourceCounters counters;
  private final Pipeline pipeline;
  private final PathGuard guard;
  private final Clock clock;
  private final int batchMax;
  private final Consumer<Batch> completions;
  private final LineSplitter splitter = new LineSplitter(MAX_LINE_BYTES);
  private final ArrayDeque<Batch> batches = new ArrayDeque<>();
  private final ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);

  /** Durable position: every line before it, in file {@code committedId}, is in the journal. */
  FileId committedId;
  long committedOffset;
  /** Where reading stopped in the last file read (to resume after a reopen). */
  FileId lastId;
  long lastOffset;
  /** True until the journal has been asked for this path's last position (a newly added file). */
  boolean needsLookup;

  private FileChannel channel;
  private FileId channelId;
  private Path channelPath;
  private long readPos;
  private long lineEnd;
  private boolean lineEndAtNewline;
  private int quietRotatedPolls;
  /** Set by read(): it stopped before the end of the file. */
  private boolean behind;
  private boolean failureLogged;
  private String lastError;

  volatile long lines;
  volatile long rotations;
  volatile String status = "starting";
  private volatile long offsetView;

  Tail(String path, SourceCounters counters, Pipeline pipeline, PathGuard guard, Clock clock, int batchMax,
      Consumer<Batch> completions) {
    this.path = path;
    this.file = Path.of(path);
    this.source = "file:" + path;
    this.counters = counters;
    this.pipeline = pipeline;
    this.guard = guard;
    this.clock = clock;
    this.batchMax = batchMax;
    this.completions = completions;
  }

  /** Sets the position to resume from (saved, or found in the journal). */
  void resumeFrom(FileId id, long offset) {
    committedId = id;
    committedOffset = offset;
    lastId = id;
    lastOffset = offset;
    offsetView = offset;
  }

  TailedFile view() {
    return new TailedFile(path, source, offsetView, lines, rotations, status);
  }

  /** The real path of the open file, or null. */
  Path openRealPath() {
    return channelPath;
  }

  /** Moves the durable position over the batches the journal has taken, in order; true when it moved. */
  boolean commit() {
    boolean moved = false;
    while (!batches.isEmpty() && batches.peekFirst().state == State.DONE) {
      Batch b = batches.pollFirst();
      committedId = b.id;
      committedOffset = b.endOffset;
      moved = true;
    }
    return moved;
  }

  /** The lowest journal sequence number below which this file's journaled lines are all committed. */
  long safeSeq(long upTo) {
    long w = upTo;
    for (Batch b : batches) {
      if (b.state == State.DONE && !b.items.isEmpty()) {
        w = Math.min(w, b.lastSeq - b.items.size());
      }
    }
    return w;
  }

  /** Acks of batches still waiting for the journal. */
  List<Ack> pendingAcks() {
    List<Ack> out = new ArrayList<>();
    for (Batch b : batches) {
      if (b.state == State.INFLIGHT && b.ack != null) {
        out.add(b.ack);
      }
    }
    return out;
  }

  /**
   * One poll: resubmit what the queue refused, read new lines, follow rotation. Returns true when it
   * stopped before the end of the file (byte budget, batches in flight, or a full queue), so the
   * tailer should poll again soon rather than after a full period.
   */
  boolean poll() {
    if (!submitPending()) {
      return true;
    }
    try {
      if (channel == null && !open()) {
        return false;
      }
      boolean gotBytes = read();
      if (behind) {
        return true;
      }
      if (!gotBytes && submitPending()) {
        checkRotation();
      }
      lastError = null;
    } catch (IOException | RuntimeException e) {
      String msg = e.toString();
      status = "error: " + msg;
      if (!msg.equals(lastError)) {
        LOG.warn("tailing {} failed, will retry: {}", path, msg);
        lastError = msg;
      }
      closeChannel(false);
    }
    return false;
  }

  /** True when nothing of this file is between the reader and the journal. */
  boolean idle() {
    return batches.isEmpty();
  }

  /** Closes the file (on remove or shutdown) without emitting a partial line. */
  void close() {
    closeChannel(false);
  }

  private boolean open() throws IOException {
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      status = "waiting";
      return false;
    }
    if (!guard.allows(real)) {
      status = "error: " + path + " now resolves to " + real + ", outside the allowed directories";
      if (!status.equals(lastError)) {
        LOG.warn("not tailing {}: it now resolves to {}, outside the allowed directories", path, real);
        lastError = status;
      }
      return false;
    }
    FileId.Stat before = FileId.stat(real, LinkOption.NOFOLLOW_LINKS);
    if (!before.regular()) {
      status = "error: " + real + " is not a regular file";
      return false;
    }
    // NOFOLLOW_LINKS: the last component cannot be swapped for a symlink between the check and the open.
    FileChannel ch = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    FileId.Stat after;
    try {
      after = FileId.stat(real, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (!after.id().equals(before.id())) {
      ch.close(); // replaced while we opened it: try again next poll
      return false;
    }
    long start;
    if (lastId == null) {
      start = 0;
    } else if (after.id().equals(lastId)) {
      start = lastOffset;
      if (after.size() < start) {
        LOG.info("{} is shorter than the saved position ({} < {}): truncated, reading from the start", path,
            after.size(), start);
        rotations++;
        start = 0;
      }
    } else {
      Path old = findRenamed(real, lastId);
      if (old != null) {
        ch.close();
        LOG.info("{} was rotated: finishing {} from offset {} first", path, old, lastOffset);
        attach(FileChannel.open(old, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), lastId, old, lastOffset);
        status = "following (finishing rotated " + old.getFileName() + ")";
        return true;
      }
      rotations++;
      start = 0;
    }
    attach(ch, after.id(), real, start);
    status = "following";
    return true;
  }

  private void attach(FileChannel ch, FileId id, Path where, long start) {
    channel = ch;
    channelId = id;
    channelPath = where;
    readPos = start;
    lineEnd = start;
    lineEndAtNewline = true;
    quietRotatedPolls = 0;
    splitter.reset();
    offsetView = start;
  }

  /** Finds the file with identity {@code id} next to {@code real} (rotated by rename while we were away). */
  private Path findRenamed(Path real, FileId id) {
    Path dir = real.getParent();
    if (dir == null) {
      return null;
    }
    int seen = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (++seen > MAX_SIBLINGS) {
          break;
        }
        try {
          FileId.Stat st = FileId.stat(p, LinkOption.NOFOLLOW_LINKS);
          if (st.regular() && st.id().equals(id) && st.size() > lastOffset && guard.allows(p.toRealPath())) {
            return p;
          }
        } catch (IOException ignored) {
          // vanished or unreadable: not ours
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", dir, e.toString());
    }
    return null;
  }

  /** Reads up to the per-poll budget; true when any byte was read. */
  private boolean read() throws IOException {
    boolean gotBytes = false;
    int budget = MAX_BYTES_PER_POLL;
    List<LineSplitter.Line> out = new ArrayList<>();
    List<Inbound> items = new ArrayList<>();
    long batchEnd = lineEnd;
    behind = true;
    while (budget > 0 && batches.size() < MAX_OUTSTANDING_BATCHES && !hasUnsent()) {
      if (!gotBytes && truncatedInPlace()) {
        return true; // behind stays true: read the new content right away
      }
      buf.clear();
      int n = channel.read(buf, readPos);
      if (n <= 0) {
        behind = false;
        break;
      }
      gotBytes = true;
      budget -= n;
      out.clear();
      splitter.feed(buf.array(), 0, n, readPos, out);
      readPos += n;
      for (LineSplitter.Line line : out) {
        lineEnd = line.endOffset();
        lineEndAtNewline = true;
        if (!line.text().isEmpty() || line.truncated()) {
          items.add(inbound(line));
        }
        if (items.size() >= batchMax) {
          enqueue(items, lineEnd);
          items = new ArrayList<>();
          batchEnd = lineEnd;
        }
      }
    }
    if (lineEnd != batchEnd || !items.isEmpty()) {
      enqueue(items, lineEnd);
    }
    offsetView = lineEnd;
    if (gotBytes) {
      quietRotatedPolls = 0;
    }
    return gotBytes;
  }

  /**
   * Copy-truncate detection when the file has grown past our offset again before we looked: the byte
   * before our offset ended a line, so if it is no longer a LF the file was rewritten.
   */
  private boolean truncatedInPlace() throws IOException {
    long size = channel.size();
    boolean truncated = size < readPos;
    if (!truncated && size > readPos && lineEnd > 0 && lineEndAtNewline) {
      ByteBuffer one = ByteBuffer.allocate(1);
      truncated = channel.read(one, lineEnd - 1) != 1 || one.get(0) != '\n';
    }
    if (truncated) {
      LOG.info("{} was truncated (size {} < offset {} or rewritten): reading from the start", path, size, readPos);
      rotations++;
      readPos = 0;
      lineEnd = 0;
      splitter.reset();
      offsetView = 0;
    }
    return truncated;
  }

  private Inbound inbound(LineSplitter.Line line) {
    Map<String, Object> extra = new HashMap<>(8);
    extra.put(Fields.LOG_FILE_PATH, path);
    extra.put(Fields.LOG_OFFSET, line.endOffset());
    extra.put(INODE, channelId.inode());
    extra.put(DEVICE, channelId.device());
    if (line.truncated()) {
      extra.put(FLAGS, List.of("truncated"));
      counters.oversized();
    }
    return Inbound.text(source, null, counters, line.text(), clock.instant(), Map.copyOf(extra));
  }

  private void enqueue(List<Inbound> items, long endOffset) {
    batches.addLast(new Batch(this, List.copyOf(items), channelId, endOffset));
    submitPending();
  }

  private boolean hasUnsent() {
    for (Batch b : batches) {
      if (b.state == State.UNSENT || b.state == State.FAILED) {
        return true;
      }
    }
    return false;
  }

  /** Submits refused or failed batches in order; false when one is still refused. */
  private boolean submitPending() {
    for (Batch b : batches) {
      State s = b.state;
      if (s != State.UNSENT && s != State.FAILED) {
        continue;
      }
      Ack ack = pipeline.submit(b.items);
      if (ack == null) {
        return false; // queue full or shutting down: keep it and every later batch for the next poll
      }
      boolean retry = s == State.FAILED;
      b.ack = ack;
      b.state = State.INFLIGHT;
      if (!retry) {
        counters.received(b.items.size(), clock.millis());
        lines += b.items.size();
      }
      ack.future().whenComplete((seq, ex) -> {
        if (ex == null) {
          b.lastSeq = seq;
          b.state = State.DONE;
        } else {
          b.state = State.FAILED;
          if (!failureLogged) {
            failureLogged = true;
            LOG.error("journal refused {} lines of {}; they will be resubmitted: {}", b.items.size(), path,
                ex.toString());
          }
        }
        completions.accept(b);
      });
    }
    return true;
  }

  private void checkRotation() throws IOException {
    FileId.Stat now = FileId.statOrNull(file);
    if (now != null && now.id().equals(channelId)) {
      quietRotatedPolls = 0;
      if (now.size() < readPos) {
        truncatedInPlace();
      }
      return;
    }
    // The path is gone or names another file; we are at the end of ours. Give its writer a little
    // time to notice before letting go (see ROTATION_GRACE_POLLS).
    if (++quietRotatedPolls < ROTATION_GRACE_POLLS) {
      return;
    }
    LOG.info("{} {}: finished the old file at offset {}", path, now == null ? "disappeared" : "was rotated",
        readPos);
    closeChannel(true);
    if (now == null) {
      status = "waiting";
    } else if (open()) {
      read();
    }
  }

  private void closeChannel(boolean flushPartial) {
    if (channel == null) {
      return;
    }
    if (flushPartial) {
      // The old file will not grow any more: its unterminated last line is complete.
      LineSplitter.Line last = splitter.flush(readPos);
      if (last != null) {
        lineEnd = readPos;
        lineEndAtNewline = false;
        enqueue(last.text().isEmpty() && !last.truncated() ? List.of() : List.of(inbound(last)), readPos);
      }
    }
    lastId = channelId;
    lastOffset = flushPartial ? readPos : lineEnd;
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a read-only channel cannot lose data
    }
    channel = null;
    channelId = null;
    channelPath = null;
    splitter.reset();
  }
}
