package io.phosor.search;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import io.phosor.pipeline.EventSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's indexing stage: journaled events go to the {@link EventIndex} on its own thread
 * ({@code phosor-index}), off the detection path. Like detection it takes batches from the pipeline through a
 * bounded queue and, when the queue is full or at start-up after a crash, reads the events back from the
 * journal from the index's durable position ({@link EventIndex#resumeSeq()}), so every journaled event is
 * indexed exactly once. It commits every few seconds, refreshes searchers every second (while anyone searches:
 * {@link EventIndex#refreshIfSearched()}) and drops expired
 * day partitions every hour. When the index cannot be written (disk full) the batch is held and retried, the
 * queue overflows into journal reads, and {@link #problem()} says why for {@code /health}.
 */
public final class IndexStage implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexStage.class);
  /** Durability of the index: a crash re-reads at most this much from the journal. */
  static final Duration COMMIT_EVERY = Duration.ofSeconds(5);
  /** Search sees new events within this (after an idle spell the first search refreshes before it reads). */
  static final Duration REFRESH_EVERY = Duration.ofSeconds(1);
  /** Retention check: partitions are days, so hourly is plenty. */
  static final Duration EXPIRE_EVERY = Duration.ofHours(1);
  /** How long the index thread waits before asking again whether detection has caught up. */
  private static final long YIELD_MS = 50;
  /** Events handed to the index in one call while reading back from the journal. */
  private static final int CHUNK = 4096;

  private final EventIndex index;
  private final Path journalDir;
  private final int capacity;
  private final Clock clock;
  private final LinkedBlockingQueue<List<Event>> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Counter indexed;
  private final Counter overflows;
  private final Thread thread;
  private volatile boolean overflow;
  private volatile boolean stopping;
  private volatile long latestSeq;
  private volatile long lastAdded;
  private volatile String problem;
  private volatile java.util.function.BooleanSupplier yieldTo = () -> false;
  private long nextCommit;
  private long nextRefresh;
  private long nextExpire;
  private boolean dirty;

  /** Creates the stage (not started); {@code journalLastSeq}: the journal's last durable id at start-up. */
  public IndexStage(EventIndex index, Path journalDir, long journalLastSeq, int capacity, MeterRegistry registry,
      Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
    }
    this.index = index;
    this.journalDir = journalDir;
    this.capacity = capacity;
    this.clock = clock;
    this.latestSeq = journalLastSeq;
    this.lastAdded = Math.max(0, index.resumeSeq() - 1);
    this.indexed = Counter.builder("phosor.index.events").description("Events added to the search index")
        .register(registry);
    this.overflows = Counter.builder("phosor.index.overflows")
        .description("Times the index queue was full and indexing fell back to reading the journal").register(registry);
    Gauge.builder("phosor.index.queue.depth", queued, AtomicInteger::get)
        .description("Events waiting to be indexed").register(registry);
    Gauge.builder("phosor.index.lag.events", this, IndexStage::lagEvents)
        .description("Journaled events not yet indexed").register(registry);
    this.thread = Thread.ofPlatform().name("phosor-index").daemon().unstarted(this::run);
  }

  /**
   * Gives way to more urgent work: while {@code busy} says so (detection is behind), the index thread waits
   * and leaves the cores to it; the events wait in the journal and are indexed once it has caught up. On two
   * cores this keeps event-to-alert latency low during a burst at the cost of search lagging a little longer.
   */
  public void yieldWhile(java.util.function.BooleanSupplier busy) {
    this.yieldTo = busy;
  }

  /** Starts indexing; events journaled before start and not yet indexed are read back from the journal. */
  public void start() {
    if (lastAdded < latestSeq) {
      LOG.info("search index resumes after event {}: reading {} journaled events back", lastAdded,
          latestSeq - lastAdded);
      overflow = true;
    }
    long now = clock.millis();
    nextCommit = now + COMMIT_EVERY.toMillis();
    nextRefresh = now + REFRESH_EVERY.toMillis();
    nextExpire = now;
    thread.start();
  }

  /** Called by the pipeline thread with journaled events; never blocks. */
  @Override
  public void accept(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    latestSeq = events.get(events.size() - 1).seq();
    if (overflow) {
      return;
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
    while (true) {
      if (!stopping && yieldTo.getAsBoolean()) {
        // stop queueing: what is queued stays (in order) and what arrives meanwhile is read back from the
        // journal afterwards
        overflow = true;
        sleep(YIELD_MS);
        tick(false);
        continue;
      }
      List<Event> batch;
      try {
        batch = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        batch = null;
      }
      try {
        if (batch != null) {
          queued.addAndGet(-batch.size());
          add(batch);
        } else if (overflow) {
          catchUp();
        } else if (stopping) {
          break;
        }
        tick(false);
      } catch (RuntimeException e) {
        LOG.error("indexing failed after event {}: {}", lastAdded, e.toString(), e);
      }
    }
    tick(true);
  }

  /** Adds the events after {@link #lastAdded}; holds and retries while the index cannot be written. */
  private void add(List<Event> batch) {
    List<Event> fresh = batch;
    if (!batch.isEmpty() && batch.get(0).seq() <= lastAdded) {
      fresh = new ArrayList<>(batch.size());
      for (Event e : batch) {
        if (e.seq() > lastAdded) {
          fresh.add(e);
        }
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    long backoff = 100;
    while (true) {
      try {
        index.add(fresh);
        break;
      } catch (IOException | RuntimeException e) {
        if (problem == null) {
          LOG.error("search index: adding {} events failed ({}); holding them and retrying", fresh.size(),
              e.getMessage());
        }
        problem = "cannot write the search index: " + e.getMessage();
        if (stopping) {
          LOG.error("shutdown: {} events not indexed; they are read back from the journal at the next start",
              fresh.size());
          return;
        }
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    if (problem != null) {
      LOG.warn("search index: writing works again");
      problem = null;
    }
    lastAdded = fresh.get(fresh.size() - 1).seq();
    indexed.increment(fresh.size());
    dirty = true;
  }

  private void catchUp() {
    long target = latestSeq;
    long before = lastAdded;
    List<Event> chunk = new ArrayList<>(CHUNK);
    try {
      Journal.read(journalDir, lastAdded + 1, e -> {
        chunk.add(e);
        if (chunk.size() == CHUNK) {
          add(chunk);
          chunk.clear();
          tick(false);
          while (!stopping && yieldTo.getAsBoolean()) {
            sleep(YIELD_MS);
          }
        }
      });
      add(chunk);
    } catch (IOException | RuntimeException e) {
      LOG.error("search index: reading the journal from event {} failed: {}; retrying", lastAdded + 1, e.toString());
      sleep(1000);
      return;
    }
    if (lastAdded >= target || lastAdded == before) {
      // caught up, or the journal holds nothing more (nothing to wait for)
      overflow = false;
      // what was journaled while the flag was still set was not queued: read it once more (duplicates skipped)
      chunk.clear();
      try {
        Journal.read(journalDir, lastAdded + 1, chunk::add);
      } catch (IOException e) {
        overflow = true;
        return;
      }
      add(chunk);
    }
  }

  private void tick(boolean force) {
    long now = clock.millis();
    if (force || (dirty && now >= nextCommit)) {
      nextCommit = now + COMMIT_EVERY.toMillis();
      try {
        index.commit();
        dirty = false;
      } catch (IOException | RuntimeException e) {
        problem = "cannot commit the search index: " + e.getMessage();
        LOG.error("search index: commit failed: {}", e.toString());
      }
    }
    if (force || now >= nextRefresh) {
      nextRefresh = now + REFRESH_EVERY.toMillis();
      try {
        if (force) {
          index.refresh();
        } else {
          index.refreshIfSearched(); // while nobody searches, the next search refreshes first
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("search index: refresh failed: {}", e.toString());
      }
    }
    if (now >= nextExpire) {
      nextExpire = now + EXPIRE_EVERY.toMillis();
      try {
        int dropped = index.dropExpired();
        if (dropped > 0) {
          LOG.info("search index: dropped {} expired day partitions", dropped);
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("search index: dropping expired partitions failed: {}", e.toString());
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The index this stage writes (searches go to it directly). */
  public EventIndex index() {
    return index;
  }

  /** Journaled events not yet indexed. */
  public long lagEvents() {
    return Math.max(0, latestSeq - lastAdded);
  }

  /**
   * The first journal event the indexer would read after a restart (the index's durable position): journal
   * retention may delete what is before it.
   */
  public long journalFloor() {
    return index.resumeSeq();
  }

  /** The id of the last event handed to the index. */
  public long lastAdded() {
    return lastAdded;
  }

  /** Why indexing is stuck, or null. */
  public String problem() {
    return problem;
  }

  /** Drains the queue and the journal backlog (up to {@code timeout}), commits and closes the index. */
  public void close(Duration timeout) {
    stopping = true;
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("shutdown: indexing did not drain within {}s ({} events behind; they are indexed at the next start)",
          timeout.toSeconds(), lagEvents());
      return;
    }
    try {
      index.close();
    } catch (IOException e) {
      LOG.error("closing the search index failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(20));
  }
}
