package io.phosor.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's audit trail: hash-chained JSON lines in {@code <data_dir>/audit} (format: {@link AuditLine};
 * files: {@link AuditFiles}). {@link #record} never blocks and never throws: it puts the entry in a
 * bounded queue, and one writer thread appends entries in groups, forcing each group to disk (one fsync
 * per group). When the queue is full the entry is dropped and counted, and the trail itself says so in an
 * {@code audit.dropped} entry. One process at a time may write a trail (a lock file says which).
 */
public final class AuditTrail implements Audit, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  /** The actor of the entries the trail writes about itself and of periodic summaries. */
  public static final String SYSTEM = "system";
  /** Longest text kept per field: any route, user name or address fits; longer (hostile) input is cut. */
  static final int MAX_FIELD_CHARS = 256;
  /** Largest detail document: details are facts (counts, codes), never payloads; a larger one is replaced by its size. */
  static final int MAX_DETAIL_CHARS = 4096;
  /** Entries appended and forced to disk together: bounds a group's latency while amortizing the fsync. */
  static final int MAX_GROUP = 512;
  /** Refused requests and failed logins recorded one by one per address and minute; more are summarized. */
  static final int REFUSALS_PER_MINUTE = 20;
  /** Distinct addresses tracked per minute for that; beyond it they share one count (memory stays bounded). */
  static final int MAX_TRACKED_ADDRESSES = 10_000;
  /** How often the writer looks at the clock when idle (summaries of suppressed refusals, drop notices). */
  private static final long TICK_MS = 200;
  private static final long MIN_RETRY_MS = 50;
  private static final long MAX_RETRY_MS = 2_000;
  /** How long close() lets the writer retry a failing disk before the entries still queued are given up. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final Set<String> REFUSALS = Set.of("401", "403", "429", "failure", "denied");

  private record Pending(Instant ts, String actor, String role, String address, String action, String target,
      String outcome, JsonNode detail) {}

  private final Path dir;
  private final Clock clock;
  private final ArrayBlockingQueue<Pending> queue;
  private final ObjectMapper json = new ObjectMapper();
  private final RefusalLimiter refusals;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final Thread writer;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedTotal = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong entries = new AtomicLong();
  private volatile long committedSeq;
  private final Object progress = new Object();
  private final List<Pending> startupEntries = new ArrayList<>();
  private volatile boolean running = true;
  private volatile long closeDeadline = Long.MAX_VALUE;
  private volatile String problem;

  // Writer state: set up by open(), then touched only by the writer thread.
  private long seq;
  private String lastHash = AuditLine.GENESIS;
  private LocalDate day;
  private Path file;
  private FileChannel out;
  private long goodSize;
  private int batchDone;
  private boolean headWarned;

  private AuditTrail(Path dir, int queueCapacity, Clock clock, FileChannel lockFile, FileLock lock) {
    this.dir = dir;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.refusals = new RefusalLimiter(REFUSALS_PER_MINUTE, 60_000, MAX_TRACKED_ADDRESSES);
    this.lockFile = lockFile;
    this.lock = lock;
    this.writer = new Thread(this::run, "phosor-audit");
    // Daemon: a start-up that fails half-way must not keep the JVM alive; close() drains the queue.
    writer.setDaemon(true);
  }

  /**
   * Opens the trail in {@code dir} (created owner-only), continuing the chain from its last entry, and
   * starts the writer. A torn last line (a crash during a write) is cut off and the cut recorded.
   *
   * @param queueCapacity entries that may wait for the writer; beyond it entries are dropped and counted
   * @throws IOException when the directory cannot be used or another process writes this trail
   */
  public static AuditTrail open(Path dir, int queueCapacity, Clock clock) throws IOException {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be > 0, was " + queueCapacity);
    }
    Files.createDirectories(dir);
    ownerOnly(dir, "rwx------");
    FileChannel lf = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lf.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lf.close();
      throw new IOException("the audit log in " + dir.toAbsolutePath() + " is being written by another Phosor "
          + "process (stop it first)");
    }
    AuditTrail t = new AuditTrail(dir, queueCapacity, clock, lf, lock);
    try {
      t.recover();
    } catch (IOException | RuntimeException e) {
      lock.release();
      lf.close();
      throw e;
    }
    t.writer.start();
    return t;
  }

  /** Finds where the chain ends: the last complete entry of the newest file, checked against the head file. */
  private void recover() throws IOException {
    List<Path> files = AuditFiles.list(dir);
    String last = null;
    for (int k = files.size() - 1; k >= 0 && last == null; k--) {
      Path f = files.get(k);
      if (k == files.size() - 1) {
        file = f;
        day = AuditFiles.day(f);
        long size = Files.size(f);
        goodSize = completeLength(f);
        if (goodSize < size) {
          try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(goodSize);
            ch.force(true);
          }
          LOG.warn("audit log: cut {} bytes of an unfinished last line off {} (a crash during a write)",
              size - goodSize, f.getFileName());
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("file", f.getFileName().toString());
          d.put("bytes_removed", size - goodSize);
          startupEntries.add(internal("audit.recovered", "repaired", d));
        }
      }
      try (ReverseLines r = new ReverseLines(f)) {
        last = r.next();
      }
    }
    if (last != null) {
      byte[] b = last.getBytes(StandardCharsets.UTF_8);
      long s = AuditFiles.seqOf(last);
      String h = AuditLine.hashOf(b, b.length);
      if (s < 0 || h == null) {
        LOG.error("audit log: the last entry in {} is damaged; new entries chain on from it and "
            + "'phosor audit verify' will report it", file.getFileName());
        h = AuditLine.hash(AuditLine.GENESIS, b);
        s = Math.max(s, 0);
      }
      seq = s;
      lastHash = h;
    }
    AuditFiles.Head head = AuditFiles.readHead(dir);
    if (head != null && head.seq() > seq) {
      LOG.error("audit log: entries {} to {} are missing from the end of the trail in {} (the head file records "
          + "entry {}): files were cut or deleted; new entries continue at {} so that 'phosor audit verify' shows the gap",
          seq + 1, head.seq(), dir.toAbsolutePath(), head.seq(), head.seq() + 1);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("last_found", seq);
      d.put("head", head.seq());
      seq = head.seq();
      startupEntries.add(internal("audit.missing", "missing", d));
    }
    committedSeq = seq;
  }

  /** The length of a file up to and including its last newline. */
  private static long completeLength(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      long end = ch.size();
      ByteBuffer bb = ByteBuffer.allocate(ReverseLines.BLOCK);
      while (end > 0) {
        long start = Math.max(0, end - ReverseLines.BLOCK);
        bb.clear().limit((int) (end - start));
        while (bb.hasRemaining() && ch.read(bb, start + bb.position()) >= 0) {
          // fill
        }
        for (int k = bb.position() - 1; k >= 0; k--) {
          if (bb.get(k) == '\n') {
            return start + k + 1;
          }
        }
        end = start;
      }
      return 0;
    }
  }

  // ---- recording (any thread)

  @Override
  public void record(String actor, String role, String address, String action, String target, String outcome,
      Map<String, Object> detail) {
    try {
      Instant now = clock.instant();
      if (refusal(role, outcome) && !refusals.admit(address, now.toEpochMilli())) {
        return;
      }
      Pending p = new Pending(now, cut(actor == null ? "anonymous" : actor), cut(role), cut(address),
          cut(action == null ? "unknown" : action), cut(target), cut(outcome), detail(detail));
      if (running && queue.offer(p)) {
        accepted.incrementAndGet();
      } else {
        dropped.incrementAndGet();
        droppedTotal.incrementAndGet();
      }
    } catch (RuntimeException e) {
      // Auditing never breaks the request it records; the loss is counted and said in the trail.
      dropped.incrementAndGet();
      droppedTotal.incrementAndGet();
      LOG.warn("audit entry for {} not recorded: {}", action, e.toString());
    }
  }

  /** Whether an entry is a refusal (subject to the per-address flood limit). */
  static boolean refusal(String role, String outcome) {
    if (outcome == null) {
      return false;
    }
    return REFUSALS.contains(outcome) || (role == null && outcome.length() == 3 && outcome.charAt(0) == '4');
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_FIELD_CHARS ? s : s.substring(0, MAX_FIELD_CHARS - 3) + "...";
  }

  private JsonNode detail(Map<String, Object> detail) {
    if (detail == null || detail.isEmpty()) {
      return null;
    }
    JsonNode n;
    try {
      n = json.valueToTree(detail);
    } catch (IllegalArgumentException e) {
      ObjectNode o = json.createObjectNode();
      o.put("unserializable", true);
      return o;
    }
    int size = n.toString().length();
    if (size > MAX_DETAIL_CHARS) {
      ObjectNode o = json.createObjectNode();
      o.put("truncated", true);
      o.put("chars", size);
      return o;
    }
    return n;
  }

  private Pending internal(String action, String outcome, Map<String, Object> detail) {
    return new Pending(clock.instant(), SYSTEM, null, null, action, null, outcome, detail(detail));
  }

  // ---- writing (the writer thread)

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_GROUP);
    if (!startupEntries.isEmpty()) {
      writeDurably(new ArrayList<>(startupEntries));
    }
    while (true) {
      batch.clear();
      Pending p = null;
      try {
        p = queue.poll(TICK_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // Never interrupted on purpose (an interrupt closes a FileChannel mid-write); close() uses the flag.
      }
      if (p != null) {
        batch.add(p);
        queue.drainTo(batch, MAX_GROUP - 1);
      }
      int fromQueue = batch.size();
      boolean last = !running && queue.isEmpty();
      housekeeping(batch, last);
      if (!batch.isEmpty()) {
        writeDurably(batch);
      }
      if (fromQueue > 0) {
        written.addAndGet(fromQueue);
        synchronized (progress) {
          progress.notifyAll();
        }
      }
      if (last) {
        return;
      }
    }
  }

  /** Adds the trail's own entries: drops since the last notice, and refusals counted in minutes that ended. */
  private void housekeeping(List<Pending> batch, boolean all) {
    long d = dropped.getAndSet(0);
    if (d > 0) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("entries", d);
      m.put("reason", "the audit queue was full or the entry could not be built");
      batch.add(internal("audit.dropped", "dropped", m));
    }
    for (RefusalLimiter.Suppressed s : refusals.takeEnded(clock.millis(), all)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("refusals", s.count());
      m.put("window_start", s.windowStart().toString());
      m.put("window_seconds", s.windowSeconds());
      if (RefusalLimiter.OTHER_ADDRESSES.equals(s.address())) {
        m.put("addresses", "more than " + MAX_TRACKED_ADDRESSES);
      }
      batch.add(new Pending(clock.instant(), SYSTEM, null,
          RefusalLimiter.OTHER_ADDRESSES.equals(s.address()) ? null : s.address(), "audit.suppressed", null,
          "suppressed", detail(m)));
    }
  }

  /**
   * Appends a group and forces it to disk. When the disk refuses (full, I/O error) the group is kept and
   * retried with backoff, the queue fills and further entries are dropped and counted; a shutdown gives up
   * after {@link #CLOSE_TIMEOUT}.
   */
  private void writeDurably(List<Pending> batch) {
    int done = 0;
    long backoff = MIN_RETRY_MS;
    while (true) {
      try {
        append(batch, done);
        if (problem != null) {
          LOG.warn("audit log: writable again");
          problem = null;
        }
        return;
      } catch (IOException | UncheckedIOException e) {
        done = batchDone;
        closeOut();
        if (problem == null) {
          LOG.error("audit log: cannot write to {}: {}; retrying (entries wait in memory up to the queue capacity, "
              + "then are dropped and counted)", dir.toAbsolutePath(), e.toString());
        }
        problem = "cannot write the audit log: " + e.getMessage();
        if (!running && System.nanoTime() > closeDeadline) {
          long lost = batch.size() - done;
          droppedTotal.addAndGet(lost);
          LOG.error("audit log: shutting down with {} entries that could not be written", lost);
          return;
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          // see run()
        }
        backoff = Math.min(backoff * 2, MAX_RETRY_MS);
      }
    }
  }

  private void append(List<Pending> batch, int from) throws IOException {
    batchDone = from;
    StringBuilder buf = new StringBuilder(256 * (batch.size() - from));
    long s = seq;
    String h = lastHash;
    for (int k = from; k < batch.size(); k++) {
      Pending p = batch.get(k);
      LocalDate d = LocalDate.ofInstant(p.ts(), ZoneOffset.UTC);
      if (day == null || d.isAfter(day)) {
        // A new UTC day starts a new file; never back to an older one, so files stay in chain order.
        if (!buf.isEmpty()) {
          commit(buf, s, h, k);
          buf.setLength(0);
        }
        closeOut();
        day = d;
        file = AuditFiles.file(dir, d);
        goodSize = Files.exists(file) ? completeLength(file) : 0;
      }
      String canonical = canonical(s + 1, p, h);
      String hash = AuditLine.hash(h, canonical.getBytes(StandardCharsets.UTF_8));
      s++;
      h = hash;
      buf.append(AuditLine.line(canonical, hash)).append('\n');
    }
    if (!buf.isEmpty()) {
      commit(buf, s, h, batch.size());
    }
  }

  private void commit(StringBuilder buf, long s, String h, int upTo) throws IOException {
    if (out == null) {
      out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnlyFile());
      if (out.size() > goodSize) {
        out.truncate(goodSize); // what a failed write left behind
      }
    }
    ByteBuffer bb = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(buf));
    long pos = goodSize;
    while (bb.hasRemaining()) {
      pos += out.write(bb, pos);
    }
    out.force(false);
    entries.addAndGet(s - seq);
    goodSize = pos;
    seq = s;
    committedSeq = s;
    lastHash = h;
    batchDone = upTo;
    try {
      AuditFiles.writeHead(dir, s, h);
    } catch (IOException e) {
      if (!headWarned) {
        headWarned = true;
        LOG.warn("audit log: cannot update {}: {}", dir.resolve(AuditFiles.HEAD), e.toString());
      }
    }
  }

  private String canonical(long s, Pending p, String prev) {
    ObjectNode n = json.createObjectNode();
    n.put("seq", s);
    n.put("ts", p.ts().truncatedTo(ChronoUnit.MILLIS).toString());
    n.put("actor", p.actor());
    n.put("role", p.role());
    n.put("address", p.address());
    n.put("action", p.action());
    n.put("target", p.target());
    n.put("outcome", p.outcome());
    n.set("detail", p.detail() == null ? json.createObjectNode() : p.detail());
    n.put("prev", prev);
    try {
      return json.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize an audit entry", e);
    }
  }

  private void closeOut() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // the next open reports what matters
      }
      out = null;
    }
  }

  private static FileAttribute<?>[] ownerOnlyFile() {
    try {
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    } catch (UnsupportedOperationException e) {
      return new FileAttribute<?>[0];
    }
  }

  private static void ownerOnly(Path dir, String perms) {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing to tighten
    }
  }

  // ---- for readers, health and metrics

  /**
   * Waits until every entry recorded before this call is on disk (or dropped), at most {@code timeout}.
   * Returns false on timeout. Readers call it so that a request they just made is in what they read.
   */
  public boolean flush(Duration timeout) {
    long target = accepted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (written.get() < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /** The directory of the trail. */
  public Path dir() {
    return dir;
  }

  /** Why entries are not being written now, or null when all is well (for /health). */
  public String problem() {
    return problem;
  }

  /** Entries dropped since start (queue full, shutdown with a failing disk). */
  public long droppedCount() {
    return droppedTotal.get();
  }

  /** Refusals counted in summaries instead of recorded one by one, since start. */
  public long suppressedCount() {
    return refusals.suppressedTotal();
  }

  /** The seq of the last entry on disk. */
  public long lastSeq() {
    return committedSeq;
  }

  /** Registers the trail's metrics. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("phosor_queue_depth", queue, ArrayBlockingQueue::size).tag("queue", "audit")
        .description("Audit entries waiting for the audit writer").register(registry);
    FunctionCounter.builder("phosor_audit_entries", entries, AtomicLong::get)
        .description("Audit entries forced to disk by this process").register(registry);
    FunctionCounter.builder("phosor_audit_dropped", droppedTotal, AtomicLong::get)
        .description("Audit entries lost because the audit queue was full (see docs/audit.md)").register(registry);
    FunctionCounter.builder("phosor_audit_suppressed", this, AuditTrail::suppressedCount)
        .description("Refused requests counted in a per-address summary entry instead of one entry each")
        .register(registry);
  }

  /** Writes what is queued (retrying a failing disk for a while), stops the writer and releases the trail. */
  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    closeDeadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    running = false;
    try {
      writer.join(CLOSE_TIMEOUT.plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.error("audit log: the writer did not finish in time; entries still queued are lost");
    }
    closeOut();
    try {
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      LOG.warn("audit log: releasing the lock: {}", e.toString());
    }
  }
}
