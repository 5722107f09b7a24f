package io.phosor.ingest.file;

import io.phosor.config.PhosorConfig;
import io.phosor.event.Event;
import io.phosor.pipeline.Ack;
import io.phosor.pipeline.Pipeline;
import io.phosor.journal.Journal;
import io.phosor.stats.SourceStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails files added through the API, following rotation, resuming from saved positions.
 *
 * <p>One scheduler thread polls every file every {@link #POLL_MILLIS} ms. Lines go to the pipeline in
 * batches; a file's position ({@code <data_dir>/file-positions.json}) moves past a batch only once the
 * batch's {@link Ack} says it is durable in the journal, so a line is never lost. Because a crash can
 * fall between the journal sync and the positions write, {@link #start()} also reads the journal
 * written after the saved {@code journalSeq} and moves each file to the last line journaled for it,
 * so a line is never read twice either. See docs/files.md.
 */
public final class FileTailer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileTailer.class);
  /** Poll period: new lines show up within a quarter second, and idle files cost one fstat each. */
  static final long POLL_MILLIS = 200;
  /** Delay before the next poll when a file has more to read (byte budget or batches in flight). */
  static final long BEHIND_POLL_MILLIS = 5;
  /** Polls between checks that may move the journal watermark forward for idle files (~5 s). */
  static final int WATERMARK_EVERY_POLLS = 25;
  /**
   * Journal segments (newest first) searched for a newly added file's last line: bounds the work an
   * add can cause (4 x 64 MiB by default); a file last tailed further back is read from its start.
   */
  static final int MAX_LOOKUP_SEGMENTS = 4;
  /** Longest a batch may be: small enough to fit a busy queue, large enough to amortize overhead. */
  static final int MAX_BATCH_LINES = 256;
  /** How long close() waits for batches already in the pipeline to reach the journal. */
  static final long CLOSE_WAIT_MILLIS = 5_000;

  private final Pipeline pipeline;
  private final SourceStats stats;
  private final Clock clock;
  private final Path journalDir;
  private final PathGuard guard;
  private final Positions positions;
  private final int batchMax;
  private final Object lock = new Object();
  private final Map<String, Tail> tails = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<Tail.Batch> completions = new ConcurrentLinkedQueue<>();
  private ScheduledExecutorService scheduler;
  /** Highest journal sequence number among the acks taken from {@link #completions}. */
  private long drainedSeq;
  /** Journal sequence number saved with the positions (see {@link Positions}). */
  private long journalSeq;
  /** The first journal event the start-up scan would read, from the saved positions (none needed: MAX_VALUE). */
  private volatile long journalFloor = 1;
  private boolean dirty;
  private long polls;
  private long pollsSinceSave;
  private boolean started;
  private volatile boolean closed;

  /** Creates the tailer; {@code journalDir} lets it resume from what is already journaled. */
  public FileTailer(PhosorConfig config, Pipeline pipeline, SourceStats stats, Clock clock, Path journalDir) {
    this.pipeline = pipeline;
    this.stats = stats;
    this.clock = clock;
    this.journalDir = journalDir;
    this.guard = new PathGuard(config.fileAllowedDirs());
    this.positions = new Positions(config.dataDir());
    this.batchMax = Math.max(1, Math.min(MAX_BATCH_LINES, pipeline.capacity() / 4));
  }

  /** Keeps the file list and positions in {@code keeper} (call before {@link #start()}). */
  public void keepPositionsIn(PositionKeeper keeper) {
    positions.keepIn(keeper);
  }

  /** Restores the saved list of files and starts following them. */
  public void start() {
    synchronized (lock) {
      if (started) {
        return;
      }
      started = true;
      restore();
      save();
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("phosor-file-tailer").daemon().factory());
    scheduler.execute(this::pollAndReschedule);
  }

  /** Starts tailing {@code path}; throws {@link FileAccessException} when it is outside the allowed dirs. */
  public TailedFile add(String path) {
    Path norm = guard.check(path);
    String key = norm.toString();
    Path real = realOrNull(norm);
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the file tailer is closed");
      }
      Tail existing = tails.get(key);
      if (existing == null && real != null) {
        for (Tail t : tails.values()) {
          if (real.equals(t.openRealPath()) || real.equals(realOrNull(t.file))) {
            existing = t;
            break;
          }
        }
      }
      if (existing != null) {
        return existing.view();
      }
      Tail t = newTail(key);
      t.needsLookup = true;
      tails.put(key, t);
      save();
      LOG.info("tailing {}", key);
      return t.view();
    }
  }

  /** Stops tailing {@code path}; false when it was not tailed. */
  public boolean remove(String path) {
    String key;
    try {
      key = Path.of(path).normalize().toString();
    } catch (RuntimeException e) {
      return false;
    }
    synchronized (lock) {
      Tail t = tails.remove(key);
      if (t == null) {
        return false;
      }
      t.close();
      save();
      LOG.info("stopped tailing {}", key);
      return true;
    }
  }

  /** The files being tailed. */
  public List<TailedFile> list() {
    synchronized (lock) {
      List<TailedFile> out = new ArrayList<>(tails.size());
      for (Tail t : tails.values()) {
        out.add(t.view());
      }
      return out;
    }
  }

  /** Stops all tails and saves positions. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          scheduler.shutdownNow();
        }
      } catch (InterruptedException e) {
        scheduler.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    List<CompletableFuture<Long>> pending = new ArrayList<>();
    synchronized (lock) {
      for (Tail t : tails.values()) {
        for (Ack a : t.pendingAcks()) {
          pending.add(a.future());
        }
      }
    }
    if (!pending.isEmpty()) {
      try {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
            .get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("close: {} batches had not reached the journal; they will be re-read or recovered at start",
            pending.stream().filter(f -> !f.isDone()).count());
      }
    }
    synchronized (lock) {
      commitAll();
      for (Tail t : tails.values()) {
        t.close();
      }
      if (started || dirty) {
        save();
      }
    }
  }

  private Tail newTail(String key) {
    return new Tail(key, stats.source("file", "file:" + key), pipeline, guard, clock, batchMax, completions::add);
  }

  private void pollAndReschedule() {
    boolean behind = pollAll();
    if (!closed) {
      try {
        scheduler.schedule(this::pollAndReschedule, behind ? BEHIND_POLL_MILLIS : POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** Polls every file once; true when one of them has more to read right away. */
  private boolean pollAll() {
    boolean behind = false;
    try {
      List<Tail> snapshot;
      synchronized (lock) {
        snapshot = new ArrayList<>(tails.values());
      }
      for (Tail t : snapshot) {
        if (closed) {
          return false;
        }
        boolean lookup;
        synchronized (lock) {
          lookup = tails.get(t.path) == t && t.needsLookup;
        }
        Found found = lookup ? lookupJournal(t.source) : null;
        synchronized (lock) {
          if (tails.get(t.path) != t) {
            continue; // removed meanwhile
          }
          if (lookup) {
            t.needsLookup = false;
            if (found != null) {
              LOG.info("{} was tailed before: resuming after the last line journaled (offset {})", t.path,
                  found.offset);
              t.resumeFrom(found.id, found.offset);
              dirty = true;
            }
          }
          behind |= t.poll();
        }
      }
      synchronized (lock) {
        commitAll();
        if (++polls % WATERMARK_EVERY_POLLS == 0) {
          raiseWatermarkWhenIdle();
        }
        // While catching up, polls come every few ms: save at most about once per period (the
        // journal scan at start covers whatever the file does not have yet).
        if (dirty && (!behind || ++pollsSinceSave >= POLL_MILLIS / BEHIND_POLL_MILLIS)) {
          save();
        }
      }
    } catch (Throwable e) {
      // Never let the scheduled task die: a dead poller would silently stop every tail.
      LOG.error("file tailer poll failed: {}", e.toString(), e);
    }
    return behind;
  }

  /**
   * When no file has anything between the reader and the journal, every line we journal from now on
   * lands in the newest journal segment or a later one, so the start-up scan (see {@link #restore()})
   * may begin there. Without this, quiet files next to a busy syslog would make every start scan all
   * the journal written since their last line. Called with the lock held.
   */
  private void raiseWatermarkWhenIdle() {
    for (Tail t : tails.values()) {
      if (!t.idle()) {
        return;
      }
    }
    long newestBase = 0;
    try (Stream<Path> s = Files.list(journalDir)) {
      newestBase = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg"))
          .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 4))).max().orElse(0);
    } catch (IOException | NumberFormatException e) {
      return;
    }
    if (newestBase - 1 > journalSeq) {
      journalSeq = newestBase - 1;
      drainedSeq = Math.max(drainedSeq, journalSeq);
      dirty = true;
    }
  }

  /** Takes completed acks and moves positions; called with the lock held. */
  private void commitAll() {
    Tail.Batch b;
    while ((b = completions.poll()) != null) {
      if (b.state == Tail.State.DONE && b.lastSeq > drainedSeq) {
        drainedSeq = b.lastSeq;
      }
    }
    long safe = drainedSeq;
    for (Tail t : tails.values()) {
      if (t.commit()) {
        dirty = true;
      }
      safe = t.safeSeq(safe);
    }
    if (safe > journalSeq) {
      journalSeq = safe;
      dirty = true;
    }
  }

  /** Writes the positions file; called with the lock held. Failures are logged and retried next poll. */
  private void save() {
    List<Positions.Entry> entries = new ArrayList<>(tails.size());
    for (Tail t : tails.values()) {
      entries.add(new Positions.Entry(t.path, t.committedId, t.committedOffset));
    }
    try {
      positions.save(new Positions.State(journalSeq, entries));
      journalFloor = entries.isEmpty() ? Long.MAX_VALUE : journalSeq + 1;
      dirty = false;
      pollsSinceSave = 0;
    } catch (IOException e) {
      dirty = true;
      LOG.error("cannot save file positions to {}: {}", positions.file(), e.toString());
    }
  }

  /**
   * The first journal event the start-up scan would read to recover file positions, from the saved positions
   * ({@link Long#MAX_VALUE} when no file is tailed): journal retention may delete what is before it.
   */
  public long journalFloor() {
    return journalFloor;
  }

  /** Loads the positions file and brings it up to date with the journal; called with the lock held. */
  private void restore() {
    Positions.State state;
    try {
      state = positions.load();
    } catch (IOException | RuntimeException e) {
      Path aside = positions.file().resolveSibling(Positions.FILE_NAME + ".corrupt-" + clock.millis());
      LOG.error("cannot read {} ({}); moved it to {} and starting with no tailed files", positions.file(),
          e.toString(), aside);
      try {
        Files.move(positions.file(), aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException ignored) {
        // if we cannot move it, save() will overwrite it
      }
      state = new Positions.State(0, List.of());
    }
    journalSeq = state.journalSeq();
    drainedSeq = journalSeq;
    Map<String, Tail> bySource = new HashMap<>();
    for (Positions.Entry e : state.files()) {
      if (tails.containsKey(e.path())) {
        continue;
      }
      Tail t = newTail(e.path());
      t.resumeFrom(e.id(), e.offset());
      tails.put(e.path(), t);
      bySource.put(t.source, t);
    }
    if (bySource.isEmpty()) {
      return;
    }
    // Lines journaled after the saved journalSeq may be missing from the saved offsets (a crash between
    // the journal sync and the positions write): the last line journaled per file is where to resume.
    Map<String, Found> last = new HashMap<>();
    long[] maxSeq = {journalSeq};
    try {
      Journal.read(journalDir, journalSeq + 1, ev -> {
        maxSeq[0] = Math.max(maxSeq[0], ev.seq());
        if (bySource.containsKey(ev.source())) {
          Found f = found(ev);
          if (f != null) {
            last.put(ev.source(), f);
          }
        }
      });
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot read the journal in {} to recover file positions: {}", journalDir, e.toString());
      return;
    }
    last.forEach((source, f) -> {
      Tail t = bySource.get(source);
      LOG.info("{}: the journal has lines past the saved position; resuming at offset {} instead of {}", t.path,
          f.offset, t.committedOffset);
      t.resumeFrom(f.id, f.offset);
    });
    journalSeq = maxSeq[0];
    drainedSeq = journalSeq;
  }

  private record Found(FileId id, long offset) {}

  private static Found found(Event ev) {
    if (!(ev.get(io.phosor.event.Fields.LOG_OFFSET) instanceof Number off)) {
      return null;
    }
    FileId id = null;
    if (ev.get(Tail.INODE) instanceof Number ino) {
      long dev = ev.get(Tail.DEVICE) instanceof Number d ? d.longValue() : -1;
      id = new FileId(dev, ino.longValue());
    }
    return new Found(id, off.longValue());
  }

  /** A stop signal for a journal scan that has read enough. */
  private static final class StopScan extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopScan() {
      super(null, null, false, false);
    }
  }

  /**
   * The last line journaled for {@code source}, newest segment first so that a recently tailed file is
   * found without reading the whole journal, at most {@link #MAX_LOOKUP_SEGMENTS} segments; null when
   * none has it. Runs without the lock (but on the polling thread: other files wait meanwhile).
   */
  private Found lookupJournal(String source) {
    List<Long> bases = new ArrayList<>();
    try (Stream<Path> s = Files.list(journalDir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg"))
          .forEach(n -> bases.add(Long.parseLong(n.substring(0, n.length() - 4))));
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    bases.sort(null);
    for (int i = bases.size() - 1; i >= 0 && i >= bases.size() - MAX_LOOKUP_SEGMENTS; i--) {
      long next = i + 1 < bases.size() ? bases.get(i + 1) : Long.MAX_VALUE;
      Found[] hit = {null};
      try {
        Journal.read(journalDir, bases.get(i), ev -> {
          if (ev.seq() >= next) {
            throw new StopScan();
          }
          if (source.equals(ev.source())) {
            Found f = found(ev);
            if (f != null) {
              hit[0] = f;
            }
          }
        });
      } catch (StopScan done) {
        // read this segment only
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot read the journal to find where {} stopped: {}", source, e.toString());
        return null;
      }
      if (hit[0] != null) {
        return hit[0];
      }
    }
    return null;
  }

  private static Path realOrNull(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }
}
