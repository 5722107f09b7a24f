package io.phosor.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import io.phosor.pipeline.EventSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's detection stage: takes journaled events from the pipeline and runs the {@link Engine} on
 * its own thread ({@code phosor-detect}). The hand-off is a queue bounded in events; when it is full the
 * pipeline is never blocked and nothing is lost: the stage drops the queue for the moment, and the detect
 * thread reads the events back from the journal ({@link Journal#read}) from the last one it processed until
 * it has caught up, then switches back to the queue. Event ids (journal sequence numbers) make the switch
 * exact: an event at or below the last processed id is skipped.
 *
 * <p>The engine is advanced once a second (timers, expiry); new-value baselines are written to
 * {@code baselines.json} (atomically) every minute and at shutdown, and restored at start. With them goes
 * {@code detect.position}, the id of the last event whose alerts are stored: after a crash the stage resumes there
 * and reads the events the engine had not seen back from the journal (an event processed after the last save is
 * processed again; the alert store ignores an alert it already has, by fingerprint).
 *
 * <p>Alerts are stored off the detect thread, by an {@link AlertWriter} ({@code phosor-alert-writer}) that stores
 * whatever has accumulated in one transaction. The position saved is never past an event whose alerts the writer
 * has not stored yet; when its bounded queue is full the detect thread waits (and the journal absorbs ingestion).
 *
 * <p>Windows survive a restart (graceful or not) by replay: {@code detect.position} also holds the id from
 * which the journal covers the longest window of the rules (plus the late tolerance, at most
 * {@link #MAX_WARMUP}). At start the engine first runs over those already-processed events with their alerts
 * discarded (they were raised before), which rebuilds the open windows and suppression stamps, then goes on
 * with the events it had not seen.
 */
public final class DetectionStage implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DetectionStage.class);
  /** How often the engine's timers run without events (absence rules, ingest-time windows, expiry). */
  static final Duration ADVANCE_EVERY = Duration.ofSeconds(1);
  /** How often baselines are saved: a crash loses at most this much learning. */
  static final Duration SAVE_EVERY = Duration.ofMinutes(1);
  /** Longest history replayed at start to rebuild windows: longer windows start partly filled. */
  static final Duration MAX_WARMUP = Duration.ofMinutes(15);
  /** Marks (id, event time) kept to find where the replay for the longest window starts. */
  private static final int MAX_MARKS = 4096;
  /** Events between clock checks while reading back from the journal. */
  private static final int TICK_EVERY_EVENTS = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Engine engine;
  private final Path journalDir;
  private final int capacity;
  private final AlertWriter writer;
  private final List<Alert> pending = new ArrayList<>();
  private final AlertSink alerts = pending::add;
  private final AtomicReference<RuleSwap> ruleSwap = new AtomicReference<>();
  private final Path baselinesFile;
  private final Path positionFile;
  private BaselineKeeper keeper;
  private final Clock clock;
  private final LinkedBlockingQueue<List<Event>> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Counter processed;
  private final Counter overflows;
  private final Counter fromJournal;
  private final Thread thread;
  private volatile boolean overflow;
  private volatile boolean stopping;
  private volatile long shutdownDeadline;
  private volatile long latestSeq;
  private volatile long lastProcessed;
  private volatile long lastIngestedMillis;
  private volatile EngineStats engineStats = new EngineStats(0, 0, 0, 0, 0, 0, Map.of());
  /** Per second of event time: the first event id of that second and its time, oldest first. */
  private final java.util.ArrayDeque<long[]> marks = new java.util.ArrayDeque<>();
  private long maxEventMillis = Long.MIN_VALUE;
  /** From detect.position: replay events after this id up to the saved position before going on; -1 none. */
  private long warmFrom = -1;
  /** The position last written to detect.position (-1: none yet). */
  private long savedPosition = -1;
  /** The first journal event a restart would read (warm-up included), from the saved position; 1 before start. */
  private volatile long journalFloor = 1;
  private long nextAdvance;
  private long nextSave;
  private int sinceTick;

  /**
   * Creates the stage (not started). {@code startAfterSeq}: the journal's last id at start-up: detection
   * starts after it, or earlier when {@code detect.position} says the last run stopped earlier; {@code capacity}: events that may wait in the queue.
   */
  public DetectionStage(Engine engine, Path journalDir, long startAfterSeq, int capacity, AlertDelivery delivery,
      Path baselinesFile, MeterRegistry registry, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
    }
    this.engine = engine;
    this.journalDir = journalDir;
    this.capacity = capacity;
    this.writer = new AlertWriter(delivery, AlertWriter.DEFAULT_CAPACITY, startAfterSeq, registry);
    this.baselinesFile = baselinesFile;
    this.positionFile = baselinesFile == null ? null : baselinesFile.resolveSibling("detect.position");
    this.clock = clock;
    this.lastProcessed = startAfterSeq;
    this.latestSeq = startAfterSeq;
    this.processed = Counter.builder("phosor.detect.events").description("Events run through the detection engine")
        .register(registry);
    this.overflows = Counter.builder("phosor.detect.overflows")
        .description("Times the detection queue was full and the stage fell back to reading the journal")
        .register(registry);
    this.fromJournal = Counter.builder("phosor.detect.journal.events")
        .description("Events the detection stage read back from the journal after an overflow").register(registry);
    Gauge.builder("phosor.detect.queue.depth", queued, AtomicInteger::get)
        .description("Events waiting in the detection queue").register(registry);
    Gauge.builder("phosor.detect.queue.capacity", () -> capacity).description("Capacity of the detection queue (events)")
        .register(registry);
    Gauge.builder("phosor.detect.position", this, s -> s.savedPosition)
        .description("The detection position last saved: every alert of an event up to this id is stored")
        .register(registry);
    Gauge.builder("phosor.detect.lag.events", this, DetectionStage::lagEvents)
        .description("Journaled events not yet run through the engine").register(registry);
    Gauge.builder("phosor.detect.lag.seconds", this, DetectionStage::lagSeconds)
        .description("While events wait: seconds since the last processed event was received (0 when caught up)").register(registry);
    Gauge.builder("phosor.detect.catching.up", this, s -> s.overflow ? 1 : 0)
        .description("1 while the stage reads back from the journal after an overflow").register(registry);
    Gauge.builder("phosor.detect.late.events", this, s -> s.engineStats.lateEvents())
        .description("Events older than the engine's late tolerance").register(registry);
    Gauge.builder("phosor.detect.active.groups", this, s -> s.engineStats.activeGroups())
        .description("Group keys held by all rules").register(registry);
    Gauge.builder("phosor.detect.evictions", this, s -> s.engineStats.evictions())
        .description("Group keys evicted by the per-rule cap (a flood of distinct keys)").register(registry);
    Gauge.builder("phosor.detect.suppressed", this, s -> s.engineStats.suppressed())
        .description("Alerts dropped by suppress_seconds").register(registry);
    this.thread = Thread.ofPlatform().name("phosor-detect").daemon().unstarted(this::run);
  }

  /** Where baselines are kept instead of {@code baselines.json} (the server: the relational store). */
  public interface BaselineKeeper {
    /** The saved baselines (empty when none). */
    Map<String, Object> load();

    /** Replaces the saved baselines. */
    void save(Map<String, Object> baselines);
  }

  /**
   * Keeps baselines in {@code keeper} from now on (call before {@link #start()}); a {@code baselines.json}
   * left by an earlier version is imported once when the keeper has none, then renamed to
   * {@code baselines.json.imported}.
   */
  public void keepBaselinesIn(BaselineKeeper keeper) {
    this.keeper = keeper;
  }

  /** Restores baselines (a corrupt file is set aside and learning starts again) and starts the thread. */
  public void start() {
    if (keeper != null) {
      restoreFromKeeper();
    } else if (baselinesFile != null && Files.isRegularFile(baselinesFile)) {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> b = JSON.readValue(baselinesFile.toFile(), Map.class);
        engine.importBaselines(b);
        LOG.info("restored new-value baselines from {}", baselinesFile);
      } catch (IOException | RuntimeException e) {
        Path aside = baselinesFile.resolveSibling(baselinesFile.getFileName() + ".corrupt");
        LOG.warn("cannot restore baselines from {} ({}); moved it to {} and learning starts again", baselinesFile,
            e.toString(), aside);
        try {
          Files.move(baselinesFile, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
          // Then the next save simply replaces it.
        }
      }
    }
    resumePosition();
    journalFloor = (warmFrom >= 0 ? warmFrom : lastProcessed) + 1;
    if (positionFile != null && !Files.isRegularFile(positionFile)) {
      savePosition(); // a crash before the first periodic save resumes here, not at the journal's end then
    }
    long now = clock.millis();
    nextAdvance = now + ADVANCE_EVERY.toMillis();
    nextSave = now + SAVE_EVERY.toMillis();
    writer.storedThrough(lastProcessed);
    writer.start();
    thread.start();
  }

  private void restoreFromKeeper() {
    try {
      Map<String, Object> b = keeper.load();
      if (b.isEmpty() && baselinesFile != null && Files.isRegularFile(baselinesFile)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> old = JSON.readValue(baselinesFile.toFile(), Map.class);
        keeper.save(old);
        Files.move(baselinesFile, baselinesFile.resolveSibling(baselinesFile.getFileName() + ".imported"),
            StandardCopyOption.REPLACE_EXISTING);
        LOG.info("imported new-value baselines from {} into the store", baselinesFile);
        b = old;
      }
      if (!b.isEmpty()) {
        engine.importBaselines(b);
        LOG.info("restored new-value baselines of {} rules", b.size());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot restore new-value baselines ({}); learning starts again", e.toString());
    }
  }

  private void resumePosition() {
    if (positionFile == null || !Files.isRegularFile(positionFile)) {
      return;
    }
    try {
      String[] parts = Files.readString(positionFile).strip().split("\\s+");
      long saved = Long.parseLong(parts[0]);
      if (parts.length > 1) {
        long from = Long.parseLong(parts[1]);
        if (from >= 0 && from < Math.min(saved, lastProcessed)) {
          warmFrom = from;
        }
      }
      if (saved >= 0 && saved < lastProcessed) {
        LOG.info("detection resumes after event {}: {} journaled events were not processed before the last stop; "
            + "reading them back from the journal", saved, lastProcessed - saved);
        lastProcessed = saved;
        overflow = true;
      }
    } catch (IOException | NumberFormatException e) {
      LOG.warn("ignoring {} ({}): detection starts at the end of the journal", positionFile, e.toString());
    }
  }

  /** Called by the pipeline thread with journaled events; never blocks. */
  @Override
  public void accept(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    latestSeq = events.get(events.size() - 1).seq();
    if (overflow) {
      return; // the journal has them; the detect thread reads them back
    }
    int n = events.size();
    if (queued.get() + n > capacity) {
      overflow = true;
      overflows.increment();
      return;
    }
    queued.addAndGet(n);
    queue.add(events);
  }

  private void run() {
    warmUp();
    while (true) {
      List<Event> batch;
      try {
        batch = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        batch = null;
      }
      try {
        applyRuleSwap();
        if (batch != null) {
          queued.addAndGet(-batch.size());
          for (Event e : batch) {
            process(e);
          }
          flush();
        } else if (overflow) {
          catchUp();
        } else if (stopping) {
          break;
        }
        tick();
      } catch (RuntimeException e) {
        // An engine bug must not stop detection for good: log it, skip the event, carry on.
        LOG.error("detection failed after event {}: {}", lastProcessed, e.toString(), e);
      }
    }
    engineStats = engine.stats();
    flush();
    writer.close(shutdownDeadline == 0 ? System.nanoTime() : shutdownDeadline);
    saveBaselines();
  }

  /** A rule set waiting to replace the engine's, and who waits for it. */
  private record RuleSwap(List<Rule> rules, CompletableFuture<Void> done) {}

  /**
   * Replaces the running rules without a restart; the detect thread swaps them between events, keeping the
   * window state of rules that did not change. The future completes when they are in force (or fails with
   * the engine's {@link RuleException}); validate rules before, so that this cannot fail in practice.
   */
  public CompletableFuture<Void> replaceRules(List<Rule> rules) {
    RuleSwap swap = new RuleSwap(List.copyOf(rules), new CompletableFuture<>());
    RuleSwap previous = ruleSwap.getAndSet(swap);
    if (previous != null) {
      // superseded before it took effect: the newer set includes what the caller asked for
      swap.done.whenComplete((v, e) -> {
        if (e == null) {
          previous.done.complete(null);
        } else {
          previous.done.completeExceptionally(e);
        }
      });
    }
    return swap.done;
  }

  private void applyRuleSwap() {
    RuleSwap swap = ruleSwap.getAndSet(null);
    if (swap == null) {
      return;
    }
    try {
      engine.setRules(swap.rules);
      engineStats = engine.stats();
      LOG.info("detection: {} rules in force ({} enabled)", swap.rules.size(),
          swap.rules.stream().filter(Rule::enabled).count());
      swap.done.complete(null);
    } catch (RuntimeException e) {
      swap.done.completeExceptionally(e);
    }
  }

  /**
   * Hands the alerts raised so far to the {@link AlertWriter}, marked with the last processed event id; waits while
   * its queue is full (the store is slow or down), so detection falls behind (and reads back from the journal later)
   * instead of losing an alert. At shutdown it gives up waiting at the deadline and keeps them: the detection
   * position is never saved past an alert that is not stored.
   */
  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    if (writer.submit(List.copyOf(pending), lastProcessed, this::pastShutdownDeadline)) {
      pending.clear();
    } else {
      LOG.error("shutdown: {} alerts could not be handed to the alert writer; they will be raised again from the "
          + "journal at the next start (the detection position was not saved past them)", pending.size());
    }
  }

  private boolean pastShutdownDeadline() {
    return stopping && shutdownDeadline != 0 && System.nanoTime() > shutdownDeadline;
  }

  /** Why alerts are not being delivered (the store is down), or null. */
  public String deliveryProblem() {
    return writer.problem();
  }

  /**
   * Rebuilds the windows open at the last stop: runs the engine over the events after {@code warmFrom} up to
   * the saved position, discarding their alerts (raised before the stop).
   */
  private void warmUp() {
    if (warmFrom < 0 || warmFrom >= lastProcessed) {
      return;
    }
    long until = lastProcessed;
    long[] n = {0};
    try {
      Journal.read(journalDir, warmFrom + 1, e -> {
        if (e.seq() <= until) {
          mark(e);
          engine.process(e, a -> { });
          n[0]++;
        }
      });
      LOG.info("detection: windows rebuilt from {} journaled events before event {}", n[0], until + 1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("detection: could not replay the journal to rebuild windows ({}); windows start empty", e.toString());
    }
    warmFrom = -1;
  }

  /** Notes the first event id of each second of event time, for {@link #replayStart()}. */
  private void mark(Event e) {
    long t = e.timestamp() == null ? 0 : e.timestamp().toEpochMilli();
    if (t > maxEventMillis) {
      maxEventMillis = t;
    }
    long[] last = marks.peekLast();
    if (last == null || t >= last[1] + 1000) {
      marks.addLast(new long[] {e.seq(), t});
      long keep = maxEventMillis - replayWindowMillis() - 60_000;
      while (marks.size() > MAX_MARKS || (marks.size() > 1 && marks.peekFirst()[1] < keep)) {
        marks.pollFirst();
      }
    }
  }

  private long replayWindowMillis() {
    Duration w = engine.longestWindow().plus(engine.config().lateTolerance());
    return Math.min(w.toMillis(), MAX_WARMUP.toMillis());
  }

  /** The id after which the journal holds every event a window open now may contain; -1 when none is needed. */
  private long replayStart() {
    if (engine.longestWindow().isZero() || marks.isEmpty()) {
      return -1;
    }
    long from = maxEventMillis - replayWindowMillis();
    for (long[] m : marks) {
      if (m[1] >= from) {
        return Math.max(0, m[0] - 1);
      }
    }
    return Math.max(0, marks.peekLast()[0] - 1);
  }

  private void process(Event e) {
    long seq = e.seq();
    if (seq <= lastProcessed) {
      return;
    }
    lastProcessed = seq;
    mark(e);
    lastIngestedMillis = e.ingested() == null ? 0 : e.ingested().toEpochMilli();
    engine.process(e, alerts);
    processed.increment();
    if (++sinceTick >= TICK_EVERY_EVENTS) {
      sinceTick = 0;
      tick();
    }
  }

  private void catchUp() {
    long target = latestSeq;
    long before = lastProcessed;
    if (!readJournal()) {
      return;
    }
    if (lastProcessed >= target) {
      // Switch back to the queue, then read once more what was journaled while the flag was still set
      // (those batches were not queued); anything read twice is skipped by its id.
      overflow = false;
      readJournal();
      LOG.info("detection caught up from the journal ({} events read back, now at event {})",
          lastProcessed - before, lastProcessed);
    }
  }

  private boolean readJournal() {
    long before = lastProcessed;
    try {
      Journal.read(journalDir, lastProcessed + 1, this::process);
      fromJournal.increment(lastProcessed - before);
      return true;
    } catch (IOException | RuntimeException e) {
      fromJournal.increment(lastProcessed - before);
      LOG.error("detection: reading the journal from event {} failed: {}; retrying", lastProcessed + 1, e.toString());
      try {
        Thread.sleep(1000);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  private void tick() {
    flush();
    long now = clock.millis();
    if (now >= nextAdvance) {
      nextAdvance = now + ADVANCE_EVERY.toMillis();
      engine.advance(alerts);
      engineStats = engine.stats();
      flush();
      if (safePosition() != savedPosition) {
        savePosition(); // every second: a crash repeats at most a second of detection (and unstored alerts)
      }
    }
    if (now >= nextSave) {
      nextSave = now + SAVE_EVERY.toMillis();
      saveBaselines();
    }
  }

  private void saveBaselines() {
    if (baselinesFile == null || !pending.isEmpty()) {
      return;
    }
    try {
      Map<String, Object> b = engine.exportBaselines();
      if (keeper != null) {
        try {
          keeper.save(b);
        } catch (RuntimeException e) {
          // the database is down: keep learning, save at the next round; the position may still advance
          LOG.warn("saving new-value baselines failed ({}); retrying at the next save", e.getMessage());
        }
      } else {
        writeAtomically(baselinesFile, JSON.writeValueAsBytes(b));
      }
      savePosition();
    } catch (IOException | RuntimeException e) {
      LOG.error("saving baselines to {} failed: {}", baselinesFile, e.toString());
    }
  }

  /**
   * The furthest event id whose alerts, and those of every event before it, are stored: the last processed id when
   * the alert writer has stored everything handed to it, else the mark of its last stored hand-off.
   */
  private long safePosition() {
    // alerts held here (a hand-off given up at shutdown) belong to events after the writer's last mark
    return pending.isEmpty() && writer.drained() ? lastProcessed : writer.storedThrough();
  }

  /**
   * Writes {@code detect.position}: the id of the last event whose alerts are stored (see {@link #safePosition})
   * and, when rules keep windows, the id after which the journal covers them (for the replay at the next start).
   * The position never passes an alert that is not stored.
   */
  private void savePosition() {
    if (positionFile == null) {
      return;
    }
    long at = safePosition();
    if (at < 0 || at < savedPosition) {
      return;
    }
    long from = replayStart();
    String pos = from >= 0 && from < at ? at + " " + from : Long.toString(at);
    try {
      writeAtomically(positionFile, pos.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      savedPosition = at;
      journalFloor = (from >= 0 && from < at ? from : at) + 1;
    } catch (IOException e) {
      LOG.error("saving the detection position to {} failed: {}", positionFile, e.toString());
    }
  }

  /**
   * The first journal event this stage would read after a restart (the events of its warm-up replay included),
   * from its saved position: journal retention may delete what is before it.
   */
  public long journalFloor() {
    return journalFloor;
  }

  /** Writes a temporary file, forces it, then renames it over {@code target}: readers see old or new, never half. */
  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Journaled events not yet processed. */
  public long lagEvents() {
    return Math.max(0, latestSeq - lastProcessed);
  }

  double lagSeconds() {
    if (lagEvents() == 0 || lastIngestedMillis == 0) {
      return 0;
    }
    return Math.max(0, (clock.millis() - lastIngestedMillis) / 1000.0);
  }

  /** Alerts waiting to be stored (the alert writer's queue). */
  public int alertsWaiting() {
    return writer.queued();
  }

  /** The id of the last event run through the engine. */
  public long lastProcessed() {
    return lastProcessed;
  }

  /** Times the queue overflowed. */
  public long overflowCount() {
    return (long) overflows.count();
  }

  /**
   * Drains: processes everything queued or journaled (call after the pipeline has stopped), then saves the
   * baselines; waits up to {@code timeout}.
   */
  public void close(Duration timeout) {
    shutdownDeadline = System.nanoTime() + timeout.toNanos() / 2;
    stopping = true;
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("shutdown: detection did not drain within {}s ({} events behind)", timeout.toSeconds(), lagEvents());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(20));
  }
}
