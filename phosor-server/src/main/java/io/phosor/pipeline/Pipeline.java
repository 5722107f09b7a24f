package io.phosor.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.phosor.config.PhosorConfig;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.journal.Journal;
import io.phosor.parse.EventParser;
import io.phosor.redact.PiiType;
import io.phosor.redact.Redactor;
import io.phosor.stats.SourceStats;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest pipeline: sources put messages in one bounded queue; one thread takes them in batches,
 * parses, normalizes, redacts and enriches them (threat-intelligence tags), appends them to the journal,
 * forces the journal to disk once per batch (group commit), acknowledges the senders, and hands the
 * journaled events to the sinks.
 * The queue is bounded in events, not batches: when it is full, {@link #offer} and {@link #submit}
 * refuse and the source applies its policy (UDP drops and counts, TCP stops reading, HTTP answers 503).
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final Logger SECURITY = LoggerFactory.getLogger("phosor.security");
  /** Batches drained per journal sync: large enough to amortize fsync, small enough to keep latency low. */
  private static final int MAX_DRAIN = 4096;
  /** First and longest wait before retrying a journal write that failed: quick to resume, calm while stuck. */
  private static final long MIN_RETRY_MS = 50;
  private static final long MAX_RETRY_MS = 2_000;

  private record Batch(List<Inbound> items, Ack ack) {}

  private final PhosorConfig config;
  private final EventParser parser;
  private final Redactor redactor;
  private final Journal journal;
  private final SourceStats stats;
  private final Clock clock;
  private final int capacity;
  private final AtomicInteger queued = new AtomicInteger();
  private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
  private final Thread worker;
  private final Counter journalErrors;
  private final Timer batchTimer;
  private volatile EventEnricher enricher;
  private volatile boolean accepting = true;
  private volatile boolean running = true;
  private volatile String stalled;
  private boolean needsRollback;

  /** Creates the pipeline; call {@link #start()} to begin processing. */
  public Pipeline(PhosorConfig config, EventParser parser, Redactor redactor, Journal journal, SourceStats stats,
      MeterRegistry registry, Clock clock) {
    this.config = config;
    this.parser = parser;
    this.redactor = redactor;
    this.journal = journal;
    this.stats = stats;
    this.clock = clock;
    this.capacity = config.queueCapacity();
    this.worker = new Thread(this::run, "phosor-pipeline");
    Gauge.builder("phosor_queue_depth", queued, AtomicInteger::get).tag("queue", "ingest")
        .description("Events waiting between the sources and the journal").register(registry);
    Gauge.builder("phosor_queue_capacity", () -> capacity).tag("queue", "ingest")
        .description("Capacity of the ingest queue in events").register(registry);
    Gauge.builder("phosor_journal_last_seq", journal, Journal::lastSyncedSeq)
        .description("Sequence number of the last durable journal record").register(registry);
    this.journalErrors = Counter.builder("phosor_journal_errors").description("Journal write or sync failures")
        .register(registry);
    this.batchTimer = Timer.builder("phosor_pipeline_batch").description("Time to parse, redact and journal a batch")
        .register(registry);
  }

  /** Adds a sink that receives journaled events. */
  public void addSink(EventSink sink) {
    sinks.add(sink);
  }

  /** Sets the enricher that runs on each event after redaction, before the journal (null: none). */
  public void enrichWith(EventEnricher enricher) {
    this.enricher = enricher;
  }

  /** Starts the processing thread. */
  public void start() {
    worker.start();
  }

  /** Offers one message without waiting; false when the queue is full or the pipeline is shutting down. */
  public boolean offer(Inbound msg) {
    if (!reserve(1)) {
      return false;
    }
    queue.add(new Batch(List.of(msg), null));
    return true;
  }

  /**
   * Submits messages as one unit: either all are queued (and the returned ack completes once all are in
   * the journal) or none is (returns null: the queue is full or the pipeline is shutting down).
   */
  public Ack submit(List<Inbound> msgs) {
    if (!reserve(msgs.size())) {
      return null;
    }
    Ack ack = new Ack(msgs.size());
    if (msgs.isEmpty()) {
      return ack;
    }
    queue.add(new Batch(List.copyOf(msgs), ack));
    return ack;
  }

  private boolean reserve(int n) {
    if (!accepting || stalled != null) {
      return false;
    }
    while (true) {
      int cur = queued.get();
      if (cur + n > capacity) {
        return false;
      }
      if (queued.compareAndSet(cur, cur + n)) {
        return true;
      }
    }
  }

  /** Events waiting in the queue. */
  public int depth() {
    return queued.get();
  }

  /** Queue capacity in events. */
  public int capacity() {
    return capacity;
  }

  /** True while the pipeline takes new messages. */
  public boolean accepting() {
    return accepting;
  }

  /**
   * Stops taking new messages, processes everything already queued (up to {@code timeout}), forces the
   * journal and closes it. Sources should be stopped first.
   */
  public void shutdown(Duration timeout) {
    accepting = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (queued.get() > 0 && System.nanoTime() < deadline && worker.isAlive()) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    running = false;
    try {
      worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (queued.get() > 0) {
      LOG.warn("shutdown: {} events were still queued after {}s and were not journaled", queued.get(),
          timeout.toSeconds());
    }
    try {
      journal.close();
    } catch (IOException e) {
      LOG.error("shutdown: closing the journal failed: {}", e.toString());
    }
  }

  private void run() {
    List<Batch> batches = new ArrayList<>();
    List<Event> events = new ArrayList<>(MAX_DRAIN);
    while (running || !queue.isEmpty()) {
      Batch first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      if (first == null) {
        continue;
      }
      batches.clear();
      batches.add(first);
      int n = first.items.size();
      while (n < MAX_DRAIN) {
        Batch b = queue.poll();
        if (b == null) {
          break;
        }
        batches.add(b);
        n += b.items.size();
      }
      long start = System.nanoTime();
      events.clear();
      for (Batch b : batches) {
        for (Inbound in : b.items) {
          events.add(process(in));
        }
      }
      boolean ok = journalBatch(events, batches);
      queued.addAndGet(-n);
      batchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      if (ok) {
        List<Event> out = List.copyOf(events);
        for (EventSink s : sinks) {
          try {
            s.accept(out);
          } catch (RuntimeException e) {
            LOG.error("event sink {} failed: {}", s.getClass().getSimpleName(), e.toString(), e);
          }
        }
      }
    }
  }

  private Event process(Inbound in) {
    Event e;
    try {
      if (in.object() != null) {
        e = parser.parseObject(in.source(), in.address(), config.zoneFor(in.address()), in.received(), in.object(),
            in.text());
      } else {
        e = parser.parseText(in.source(), in.address(), config.zoneFor(in.address()), in.received(), in.text());
      }
    } catch (RuntimeException ex) {
      // The parser must never throw; if it does, keep the raw text rather than lose the event.
      e = new Event(in.source(), in.address(), in.received(), in.text() == null ? "" : in.text());
      e.put("message", e.original());
      e.parseError("internal parser error: " + ex.getClass().getSimpleName());
      LOG.error("parser threw on an event from {}: {}", in.source(), ex.toString());
    }
    if (in.extra() != null) {
      for (Map.Entry<String, Object> x : in.extra().entrySet()) {
        if (Fields.TIMESTAMP.equals(x.getKey()) && x.getValue() instanceof Instant t) {
          e.timestamp(t);
        } else {
          e.put(x.getKey(), x.getValue());
        }
      }
    }
    Map<PiiType, Integer> found = redactor.redact(e);
    EventEnricher en = enricher;
    if (en != null) {
      try {
        en.enrich(e);
      } catch (RuntimeException ex) {
        LOG.error("event enricher failed on an event from {}: {}", in.source(), ex.toString());
      }
    }
    if (in.counters() != null) {
      if (e.parseFailed()) {
        in.counters().parseFailure();
      } else {
        in.counters().parsed();
      }
      in.counters().redacted(found);
    }
    if (!found.isEmpty()) {
      // Never the secret itself: kind and count only.
      SECURITY.warn("[SECURITY] PII detected and redacted source={} address={} kinds={}", in.source(),
          in.address() == null ? "-" : in.address(), found);
    }
    return e;
  }

  /**
   * Journals a batch. When the journal cannot take it (the disk is full or below
   * {@code PHOSOR_MIN_FREE_DISK_BYTES}, an I/O error) the batch is held, not dropped: nothing was
   * acknowledged, the queue fills and the sources apply backpressure (TCP stops reading, HTTP answers 503,
   * UDP drops and counts), and the write is retried with backoff until it succeeds. Only a shutdown gives
   * up on a held batch, and then the senders are told (failed acks) and the loss is counted.
   */
  private boolean journalBatch(List<Event> events, List<Batch> batches) {
    long backoffMs = MIN_RETRY_MS;
    while (true) {
      String problem = diskLow();
      if (problem == null) {
        problem = tryJournal(events, batches);
        if (problem == null) {
          if (stalled != null) {
            LOG.warn("ingestion resumed: the journal is writable again");
            stalled = null;
          }
          return true;
        }
      }
      if (!running) {
        LOG.error("shutdown while ingestion was paused ({}): {} events not journaled", problem, events.size());
        failBatches(batches, new IOException(problem));
        return false;
      }
      if (stalled == null) {
        LOG.error("ingestion paused: {}; holding {} events (not acknowledged) and retrying until it succeeds",
            problem, events.size());
      }
      stalled = problem;
      // never interrupt this thread: an interrupt closes the journal's FileChannel
      for (long waited = 0; waited < backoffMs && running; waited += MIN_RETRY_MS) {
        try {
          Thread.sleep(MIN_RETRY_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failBatches(batches, new IOException(problem));
          return false;
        }
      }
      backoffMs = Math.min(backoffMs * 2, MAX_RETRY_MS);
    }
  }

  /** Appends and syncs; null on success, else why not (after rolling the journal back). */
  private String tryJournal(List<Event> events, List<Batch> batches) {
    try {
      if (needsRollback) {
        journal.rollback();
        needsRollback = false;
      }
      for (Event e : events) {
        journal.append(e);
      }
      journal.sync();
    } catch (IOException | RuntimeException ex) {
      journalErrors.increment();
      needsRollback = true;
      try {
        journal.rollback();
        needsRollback = false;
      } catch (IOException rb) {
        // retried before the next attempt; nothing is appended after a tail that could not be cut off
      }
      return "journal write failed: " + ex.getMessage();
    }
    stats.journaled(events.size());
    int i = 0;
    for (Batch b : batches) {
      int size = b.items.size();
      if (b.ack != null) {
        b.ack.journaled(size, events.get(i + size - 1).seq());
      }
      i += size;
    }
    return null;
  }

  private void failBatches(List<Batch> batches, Exception cause) {
    for (Batch b : batches) {
      if (b.ack != null) {
        b.ack.failed(cause);
      } else {
        for (Inbound in : b.items) {
          if (in.counters() != null) {
            in.counters().dropped(1);
          }
        }
      }
    }
  }

  /** A reason when free space in the journal's file system is below the configured minimum (one statfs per batch, ~µs). */
  private String diskLow() {
    long min = config.minFreeDiskBytes();
    if (min <= 0) {
      return null;
    }
    long freeBytes;
    try {
      freeBytes = Files.getFileStore(journal.dir()).getUsableSpace();
    } catch (IOException e) {
      return null; // cannot tell: let the write itself decide
    }
    if (freeBytes >= min) {
      return null;
    }
    return "disk low: " + (freeBytes >> 20) + " MiB free in the data directory, below PHOSOR_MIN_FREE_DISK_BYTES ("
        + (min >> 20) + " MiB)";
  }

  /** Why ingestion is paused (the journal cannot be written), or null when it flows. */
  public String stalled() {
    return stalled;
  }

  Clock clock() {
    return clock;
  }
}
