package io.phosor.detect;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the detection stage's alerts on a thread of its own ({@code phosor-alert-writer}), so that the detect
 * thread never waits for the store while there is room.
 *
 * <p>The detect thread {@linkplain #submit hands over} the alerts of each flush together with a <em>mark</em>: the
 * id of the last event it had processed, so every alert of an event up to the mark is in that hand-off or an earlier
 * one. The writer takes everything waiting (up to {@link #MAX_BATCH} alerts) and delivers it in one call, i.e. one
 * store transaction and one commit for many hand-offs (group commit): the longer a commit takes, the more the next
 * one carries. After a delivery it publishes the mark of the last hand-off in it as {@link #storedThrough()}: every
 * alert of an event up to that id is stored. The detection position is never saved past it, which keeps the crash
 * rule of {@link DetectionStage}: after a kill the events whose alerts were not stored yet are detected again, and
 * the store ignores the alerts it already has (by fingerprint).
 *
 * <p>The queue is bounded in alerts ({@code capacity}); when it is full, {@link #submit} waits (backpressure): the
 * detect thread falls behind and the journal keeps the events meanwhile. While a delivery fails (the database is
 * down) the writer keeps the batch and retries with backoff; {@link #problem()} says why.
 */
final class AlertWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AlertWriter.class);
  /**
   * Most alerts in one delivery (one transaction). The listeners get a delivery's alerts at once, and the live feed
   * holds 1,024 messages per client by default ({@code PHOSOR_WS_BUFFER_MESSAGES}): a delivery of half that never
   * overflows a client's buffer by itself (5,000 did, measured: thousands of alert messages dropped in bursts). At
   * 512 alerts per commit the commits (an fsync each on SQLite) are far from being the limit.
   */
  static final int MAX_BATCH = 512;
  /** Alerts that may wait by default: about one second of a heavy alert storm, a few MB of heap. */
  static final int DEFAULT_CAPACITY = 20_000;
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** One flush of the detect thread: its alerts and the last event id processed before it. */
  private record Handoff(List<Alert> alerts, long mark) {}

  private final AlertDelivery delivery;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Handoff> queue = new ArrayDeque<>();
  private final Thread thread;
  private final Counter waits;
  private final DistributionSummary batches;
  /** Alerts in {@link #queue}. Guarded by {@link #lock}. */
  private int queuedAlerts;
  /** Whether the writer holds a batch it has not delivered yet. Guarded by {@link #lock}. */
  private boolean delivering;
  /** Set by {@link #close}: deliver what is queued, then stop. Guarded by {@link #lock}. */
  private boolean stopping;
  /** Set when the writer gave up on alerts at shutdown: never drained again. Guarded by {@link #lock}. */
  private boolean abandoned;
  /** After it: give up retrying a failing delivery (System.nanoTime; 0 = never). */
  private volatile long giveUpAt;
  private volatile long storedThrough;
  private volatile String problem;

  /** A writer (not started) delivering to {@code delivery}; {@code storedThrough}: where detection starts. */
  AlertWriter(AlertDelivery delivery, int capacity, long storedThrough, MeterRegistry registry) {
    if (capacity < 1) {
      throw new IllegalArgumentException("alert writer capacity must be > 0, was " + capacity);
    }
    this.delivery = delivery;
    this.capacity = capacity;
    this.storedThrough = storedThrough;
    this.waits = Counter.builder("phosor.detect.alert.writer.waits")
        .description("Times the detect thread waited because the alert writer's queue was full").register(registry);
    this.batches = DistributionSummary.builder("phosor.detect.alert.writer.batch")
        .description("Alerts per delivery (one store transaction)").baseUnit("alerts").register(registry);
    Gauge.builder("phosor.detect.alert.writer.queue", this, AlertWriter::queued)
        .description("Alerts waiting to be stored").register(registry);
    Gauge.builder("phosor.detect.alert.writer.capacity", () -> capacity)
        .description("Alerts that may wait to be stored before detection waits").register(registry);
    this.thread = Thread.ofPlatform().name("phosor-alert-writer").daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /**
   * Sets where detection starts (before {@link #start}): every alert of an event up to {@code seq} counts as stored.
   */
  void storedThrough(long seq) {
    storedThrough = seq;
  }

  /**
   * Queues {@code alerts} (may be empty) raised by events up to {@code mark}; waits while the queue is full, until
   * there is room or {@code giveUp} says to stop waiting (checked every 100 ms). Returns false when it gave up (the
   * alerts were not queued).
   */
  boolean submit(List<Alert> alerts, long mark, BooleanSupplier giveUp) {
    lock.lock();
    try {
      boolean counted = false;
      while (queuedAlerts > 0 && queuedAlerts + alerts.size() > capacity) {
        if (!counted) {
          waits.increment();
          counted = true;
        }
        if (giveUp.getAsBoolean()) {
          return false;
        }
        try {
          changed.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      queue.addLast(new Handoff(alerts, mark));
      queuedAlerts += alerts.size();
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Whether every alert handed over so far is delivered. */
  boolean drained() {
    lock.lock();
    try {
      return queue.isEmpty() && !delivering && !abandoned;
    } finally {
      lock.unlock();
    }
  }

  /** The mark of the last hand-off delivered: every alert of an event up to this id is stored. */
  long storedThrough() {
    return storedThrough;
  }

  /** Why alerts are not being stored (the store fails), or null. */
  String problem() {
    return problem;
  }

  int queued() {
    lock.lock();
    try {
      return queuedAlerts;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      List<Alert> batch = new ArrayList<>();
      long mark;
      lock.lock();
      try {
        while (queue.isEmpty() && !stopping) {
          changed.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return; // stopping, all delivered
        }
        mark = storedThrough;
        // group commit: everything waiting, whole hand-offs, up to MAX_BATCH alerts (a bigger hand-off goes alone)
        while (!queue.isEmpty() && (batch.isEmpty() || batch.size() + queue.peekFirst().alerts().size() <= MAX_BATCH)) {
          Handoff h = queue.pollFirst();
          batch.addAll(h.alerts());
          queuedAlerts -= h.alerts().size();
          mark = h.mark();
        }
        delivering = true;
        changed.signalAll(); // room for the detect thread
      } finally {
        lock.unlock();
      }
      boolean delivered = deliver(batch);
      lock.lock();
      try {
        if (delivered) {
          storedThrough = mark;
        }
        delivering = false;
        changed.signalAll();
        if (!delivered) {
          // gave up at shutdown: drop what waits too; it is detected again from the journal at the next start
          // (storedThrough stays before it, and drained() says no from now on)
          abandoned = true;
          queue.clear();
          queuedAlerts = 0;
          return;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Delivers {@code batch}, retrying with backoff while it fails; false only when giving up at shutdown. */
  private boolean deliver(List<Alert> batch) {
    if (batch.isEmpty()) {
      return true;
    }
    long backoff = MIN_BACKOFF_MS;
    while (true) {
      try {
        delivery.deliver(batch);
        batches.record(batch.size());
        if (problem != null) {
          LOG.warn("alert delivery works again; detection continues");
          problem = null;
        }
        return true;
      } catch (RuntimeException e) {
        if (problem == null) {
          LOG.error("alert delivery failed ({}); holding {} alerts and retrying, detection waits when the queue is full",
              e.getMessage(), batch.size());
        }
        problem = "cannot store alerts: " + e.getMessage();
        long deadline = giveUpAt;
        if (deadline != 0 && System.nanoTime() > deadline) {
          LOG.error("shutdown: {} alerts could not be stored; they will be raised again from the journal at the "
              + "next start (the detection position was not saved past them)", batch.size() + queued());
          return false;
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /**
   * Delivers what is queued and stops the thread; a failing delivery is retried until {@code giveUpAt}
   * ({@link System#nanoTime}), then abandoned. Waits for the thread until then.
   */
  void close(long giveUpAt) {
    this.giveUpAt = giveUpAt;
    lock.lock();
    try {
      stopping = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (!thread.isAlive()) {
      return;
    }
    try {
      long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(giveUpAt - System.nanoTime()) + MAX_BACKOFF_MS);
      thread.join(waitMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("shutdown: the alert writer did not finish ({} alerts not stored; detected again at the next start)",
          queued());
    }
  }
}
