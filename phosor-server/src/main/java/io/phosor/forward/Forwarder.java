package io.phosor.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.event.Event;
import io.phosor.journal.JournalReader;
import io.phosor.search.EventFilter;
import io.phosor.store.AlertQuery;
import io.phosor.store.IncidentEvent;
import io.phosor.store.IncidentSummary;
import io.phosor.store.Store;
import io.phosor.store.StoreException;
import io.phosor.store.StoredAlert;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One destination's worker thread ({@code phosor-forward-<name>}). For each kind it sends (events, alerts, incident
 * changes) it keeps a cursor in the store's settings ({@code forward.<name>.<kind>.cursor}): the id of the last record
 * settled (sent, or dropped for good). It reads the records after the cursor in batches (events from the journal with
 * {@link JournalReader}, filtered by the query; alerts and timeline entries from the store), sends each batch, and only
 * then moves the cursor. So the journal and the store are the outbox: a destination that is down only falls behind,
 * memory holds one batch, and a restart resumes after the last record settled, neither losing nor repeating one.
 *
 * <p>A failed batch is sent again after a wait that doubles from {@link #FIRST_BACKOFF} up to the configured maximum,
 * for as long as it takes; records the destination refuses for good (a malformed or oversized record) are dropped and
 * counted. Counters per destination: sent and dropped (per kind), failed requests, retried records.
 */
final class Forwarder {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  /** How often the worker looks for new records without being woken (alerts raised by another node, a missed wake). */
  static final long POLL_MS = 1_000;
  /**
   * Timeline entries are written by several threads; on PostgreSQL a later id can commit first. An entry after a gap in
   * the ids waits this long for the gap to fill before the cursor passes it (a gap left by a rolled-back write stays).
   */
  static final Duration GAP_SETTLE = Duration.ofSeconds(5);
  /** Store reads are at most this many rows. */
  private static final int MAX_STORE_BATCH = 1000;

  private final Destination d;
  private final Output out;
  private final Store store;
  private final Clock clock;
  private final int maxBatchBytes;
  private final Duration maxBackoff;
  private final List<Stream> streams = new ArrayList<>();
  private final Map<Kind, Counter> sent = new EnumMap<>(Kind.class);
  private final Map<Kind, Counter> dropped = new EnumMap<>(Kind.class);
  private final Counter failed;
  private final Counter retried;
  private final Object lock = new Object();
  private final Thread thread;
  private boolean woken;
  private volatile boolean stopping;
  private volatile String problem;
  private volatile String lastDrop;
  private volatile Instant lastSentAt;
  private volatile Instant problemSince;
  private volatile boolean started;

  /**
   * @param journalDir the journal's directory (events are read back from it)
   * @param latestSeq the last durable journal seq (what the pipeline has synced)
   */
  Forwarder(Destination d, Output out, Store store, Path journalDir, LongSupplier latestSeq, int maxBatchBytes,
      Duration maxBackoff, MeterRegistry registry, Clock clock) {
    this.d = d;
    this.out = out;
    this.store = store;
    this.clock = clock;
    this.maxBatchBytes = maxBatchBytes;
    this.maxBackoff = maxBackoff;
    for (Kind k : Kind.values()) {
      if (!d.send().contains(k)) {
        continue;
      }
      Stream s = switch (k) {
        case EVENTS -> new EventStream(journalDir, latestSeq, d.query() == null ? null : EventFilter.of(d.query(), clock));
        case ALERTS -> new AlertStream();
        case INCIDENTS -> new IncidentStream();
      };
      streams.add(s);
      sent.put(k, Counter.builder("phosor.forward.sent").description("Records a destination accepted")
          .tag("destination", d.name()).tag("kind", k.word()).register(registry));
      dropped.put(k, Counter.builder("phosor.forward.dropped").description("Records a destination refused for good "
          + "(malformed, too large); not sent again").tag("destination", d.name()).tag("kind", k.word())
          .register(registry));
    }
    this.failed = Counter.builder("phosor.forward.failed").description("Forwarding requests that failed (retried "
        + "with backoff)").tag("destination", d.name()).register(registry);
    this.retried = Counter.builder("phosor.forward.retried").description("Records sent again after a failed request")
        .tag("destination", d.name()).register(registry);
    for (Stream s : streams) {
      if (s instanceof EventStream es) {
        Gauge.builder("phosor.forward.lag.events", es, EventStream::lag).description("Journaled events a "
            + "destination has not settled yet").tag("destination", d.name()).register(registry);
      }
    }
    // where a destination without a saved cursor starts: now, before anything new is journaled or stored
    for (Stream s : streams) {
      try {
        s.loadCursor();
      } catch (StoreException e) {
        LOG.warn("forwarder {}: cannot read its cursor yet ({}); it retries", d.name(), e.getMessage());
      }
    }
    this.thread = Thread.ofPlatform().name("phosor-forward-" + d.name()).daemon().unstarted(this::run);
  }

  /** Starts the worker. */
  void start() {
    started = true;
    LOG.info("forwarder {}: {} to {}{}", d.name(), d.send().stream().map(Kind::word).toList(), out.target(),
        d.query() == null ? "" : " (events matching: " + d.query() + ")");
    thread.start();
  }

  /** New records may be there (called from the pipeline, alert and incident threads: never blocks). */
  void wake() {
    synchronized (lock) {
      woken = true;
      lock.notifyAll();
    }
  }

  Destination destination() {
    return d;
  }

  /** Why the destination is failing (it is retried), or null. */
  String problem() {
    return problem;
  }

  private void run() {
    long storeBackoff = FIRST_BACKOFF.toMillis();
    while (!stopping) {
      boolean worked = false;
      try {
        for (Stream s : streams) {
          if (stopping) {
            break;
          }
          if (!s.cursorLoaded) {
            s.loadCursor();
          }
          Batch b = s.poll(d.batchSize());
          if (b == null) {
            continue;
          }
          worked = true;
          long settled = deliver(b.items());
          if (settled < 0) {
            s.commit(b.lastId());
          } else {
            if (settled > s.cursor) {
              s.commit(settled);
            }
            s.rewind();
            break; // stopping
          }
        }
        storeBackoff = FIRST_BACKOFF.toMillis();
      } catch (StoreException | IOException e) {
        fail("cannot read what to send or save the cursor: " + e.getMessage());
        for (Stream s : streams) {
          s.rewind();
        }
        pause(storeBackoff, false);
        storeBackoff = Math.min(storeBackoff * 2, maxBackoff.toMillis());
        continue;
      } catch (RuntimeException e) {
        LOG.error("forwarder {}: unexpected failure: {}", d.name(), e.toString(), e);
        fail("unexpected failure: " + e);
        for (Stream s : streams) {
          s.rewind();
        }
        pause(storeBackoff, false);
        storeBackoff = Math.min(storeBackoff * 2, maxBackoff.toMillis());
        continue;
      }
      if (!worked) {
        pause(POLL_MS, true);
      }
    }
    out.close();
  }

  /**
   * Sends {@code items} (in id order) until each is settled. Returns -1 when all are; when stopping first, the id up to
   * which everything is settled (the cursor may move there).
   */
  private long deliver(List<Item> items) {
    List<Output.Encoded> chunk = new ArrayList<>();
    long bytes = 0;
    for (Item item : items) {
      byte[] enc;
      try {
        enc = out.encode(item);
      } catch (RuntimeException e) {
        drop(item, "cannot be encoded: " + e.getMessage());
        continue;
      }
      if (enc.length > maxBatchBytes) {
        drop(item, "larger than forward.max_batch_bytes (" + enc.length + " > " + maxBatchBytes + " bytes)");
        continue;
      }
      if (!chunk.isEmpty() && bytes + enc.length > maxBatchBytes) {
        long stop = sendUntilSettled(chunk);
        if (stop >= 0) {
          return stop;
        }
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(new Output.Encoded(item, enc));
      bytes += enc.length;
    }
    if (!chunk.isEmpty()) {
      long stop = sendUntilSettled(chunk);
      if (stop >= 0) {
        return stop;
      }
    }
    return -1;
  }

  /**
   * Sends one chunk, retrying with backoff, splitting it when the destination refuses the request as such. -1 when all
   * of it is settled; when stopping first, the id before the first record not settled.
   */
  private long sendUntilSettled(List<Output.Encoded> chunk) {
    List<Output.Encoded> pending = chunk;
    long backoff = FIRST_BACKOFF.toMillis();
    while (true) {
      if (stopping) {
        return pending.get(0).item().id() - 1;
      }
      try {
        Output.Result r = out.send(pending);
        int accepted = pending.size() - r.retry().size() - r.rejected().size();
        countSent(pending, r, accepted);
        for (Output.Rejected x : r.rejected()) {
          drop(x.record().item(), x.reason());
        }
        if (r.retry().isEmpty()) {
          ok();
          return -1;
        }
        failed.increment();
        retried.increment(r.retry().size());
        fail(r.retry().size() + " of " + pending.size() + " records not taken for now (busy); sent again");
        pending = r.retry();
      } catch (Output.SendFailure f) {
        failed.increment();
        if (f.split()) {
          if (pending.size() == 1) {
            drop(pending.get(0).item(), f.getMessage());
            return -1;
          }
          int half = pending.size() / 2;
          long first = sendUntilSettled(new ArrayList<>(pending.subList(0, half)));
          if (first >= 0) {
            return first;
          }
          return sendUntilSettled(new ArrayList<>(pending.subList(half, pending.size())));
        }
        retried.increment(pending.size());
        fail(f.getMessage());
      }
      pause(backoff, false);
      backoff = Math.min(backoff * 2, maxBackoff.toMillis());
    }
  }

  private void countSent(List<Output.Encoded> pending, Output.Result r, int accepted) {
    if (accepted <= 0) {
      return;
    }
    if (r.retry().isEmpty() && r.rejected().isEmpty()) {
      Map<Kind, Integer> n = new EnumMap<>(Kind.class);
      for (Output.Encoded e : pending) {
        n.merge(e.item().kind(), 1, Integer::sum);
      }
      n.forEach((k, c) -> sent.get(k).increment(c));
    } else {
      java.util.Set<Output.Encoded> notTaken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      notTaken.addAll(r.retry());
      r.rejected().forEach(x -> notTaken.add(x.record()));
      for (Output.Encoded e : pending) {
        if (!notTaken.contains(e)) {
          sent.get(e.item().kind()).increment();
        }
      }
    }
    lastSentAt = clock.instant();
  }

  private void drop(Item item, String reason) {
    dropped.get(item.kind()).increment();
    lastDrop = item.kind().singular() + " " + item.id() + ": " + reason;
    LOG.warn("forwarder {}: dropped {} {} (not sent again): {}", d.name(), item.kind().singular(), item.id(), reason);
  }

  private void fail(String why) {
    if (problem == null) {
      problemSince = clock.instant();
      LOG.warn("forwarder {}: {} (retrying with backoff; records wait in the journal and the store)", d.name(), why);
    }
    problem = why;
  }

  private void ok() {
    if (problem != null) {
      LOG.info("forwarder {}: {} works again", d.name(), out.target());
    }
    problem = null;
    problemSince = null;
  }

  /** Waits {@code ms} (woken early by new records only when {@code wakeable}, and always by a stop). */
  private void pause(long ms, boolean wakeable) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    synchronized (lock) {
      while (!stopping && !(wakeable && woken)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      woken = false;
    }
  }

  /** Stops the worker (a request under way finishes or times out first); waits at most {@code timeout}. */
  void close(Duration timeout) {
    stopping = true;
    wake();
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("forwarder {}: did not stop within {} s", d.name(), timeout.toSeconds());
    }
    if (!started) {
      out.close(); // the worker closes it when it ends
    }
    for (Stream s : streams) {
      s.closeQuietly();
    }
  }

  /** The status shown by {@code GET /api/forwarders}: no secret. */
  Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    m.put("type", d.type().word);
    m.put("target", out.target());
    m.put("send", d.send().stream().map(Kind::word).sorted().toList());
    m.put("query", d.query());
    m.put("batch_size", d.batchSize());
    String p = problem;
    m.put("state", stopping ? "stopped" : p == null ? "ok" : "retrying");
    m.put("problem", p);
    m.put("problem_since", problemSince == null ? null : problemSince.toString());
    m.put("last_sent_at", lastSentAt == null ? null : lastSentAt.toString());
    m.put("last_drop", lastDrop);
    double s = 0;
    double dr = 0;
    Map<String, Object> kinds = new LinkedHashMap<>();
    for (Stream st : streams) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("cursor", st.cursor);
      k.put("sent", (long) sent.get(st.kind).count());
      k.put("dropped", (long) dropped.get(st.kind).count());
      if (st instanceof EventStream es) {
        k.put("lag", es.lag());
        if (es.filter != null && es.filter.problem() != null) {
          k.put("query_problem", es.filter.problem());
        }
      }
      s += sent.get(st.kind).count();
      dr += dropped.get(st.kind).count();
      kinds.put(st.kind.word(), k);
    }
    m.put("sent", (long) s);
    m.put("failed", (long) failed.count());
    m.put("retried", (long) retried.count());
    m.put("dropped", (long) dr);
    m.put("streams", kinds);
    return m;
  }

  // ---- streams -------------------------------------------------------------------------------------------------

  /**
   * The first journal event this destination would read after a restart (its saved cursor + 1; 1 until the cursor
   * is loaded), or {@link Long#MAX_VALUE} when it does not forward events: journal retention may delete what is
   * before it.
   */
  long journalFloor() {
    for (Stream s : streams) {
      if (s.kind == Kind.EVENTS) {
        return s.cursorLoaded ? s.cursor + 1 : 1;
      }
    }
    return Long.MAX_VALUE;
  }

  /** What one poll read: the records to send and the id up to which the stream was read (filtered ones included). */
  record Batch(List<Item> items, long lastId) {}

  /** One kind of record after a durable cursor. Used by the worker thread only (the cursor is read by status). */
  private abstract class Stream {
    final Kind kind;
    final String key;
    volatile long cursor;
    volatile boolean cursorLoaded;

    Stream(Kind kind) {
      this.kind = kind;
      this.key = "forward." + d.name() + "." + kind.word() + ".cursor";
    }

    /** Reads the saved cursor; the first time, starts at the end (or the beginning) and saves that. */
    void loadCursor() {
      Optional<String> saved = store.settings().get(key);
      long c;
      if (saved.isPresent()) {
        try {
          c = Long.parseLong(saved.get().trim());
        } catch (NumberFormatException e) {
          throw new StoreException("setting " + key + " is not a number: '" + saved.get() + "' (set it to the id of "
              + "the last record sent, or delete it to start at the end)", e);
        }
      } else {
        c = d.fromBeginning() ? 0 : end();
        store.settings().put(key, Long.toString(c));
        LOG.info("forwarder {}: first start for {}: {}", d.name(), kind.word(), d.fromBeginning()
            ? "from the beginning" : "after " + kind.singular() + " " + c + " (what is already there is not sent)");
      }
      cursor = c;
      cursorLoaded = true;
    }

    /** The id of the newest record there is now. */
    abstract long end();

    /** The next records after the cursor, or null when there are none yet. */
    abstract Batch poll(int max) throws IOException;

    /** Saves the cursor: every record up to {@code id} is settled. */
    void commit(long id) {
      store.settings().put(key, Long.toString(id));
      cursor = id;
    }

    /** Forgets where reading got to: the next poll reads after the saved cursor again. */
    void rewind() {}

    void closeQuietly() {}
  }

  private final class EventStream extends Stream {
    private final Path dir;
    private final LongSupplier latest;
    final EventFilter filter;
    private JournalReader reader;

    EventStream(Path dir, LongSupplier latest, EventFilter filter) {
      super(Kind.EVENTS);
      this.dir = dir;
      this.latest = latest;
      this.filter = filter;
    }

    @Override
    long end() {
      return latest.getAsLong();
    }

    long lag() {
      return Math.max(0, latest.getAsLong() - cursor);
    }

    @Override
    Batch poll(int max) throws IOException {
      if (reader == null) {
        reader = new JournalReader(dir, cursor + 1);
      }
      List<Event> events = reader.read(latest.getAsLong(), max);
      if (events.isEmpty()) {
        return null;
      }
      List<Item> items = new ArrayList<>(events.size());
      for (Event e : events) {
        if (filter == null || filter.test(e)) {
          items.add(Records.event(e));
        }
      }
      return new Batch(items, events.get(events.size() - 1).seq());
    }

    @Override
    void rewind() {
      closeQuietly();
    }

    @Override
    void closeQuietly() {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException e) {
          // read-only file: nothing to lose
        }
        reader = null;
      }
    }
  }

  private final class AlertStream extends Stream {
    AlertStream() {
      super(Kind.ALERTS);
    }

    @Override
    long end() {
      List<StoredAlert> newest = store.alerts().list(AlertQuery.newest(1));
      return newest.isEmpty() ? 0 : newest.get(0).id();
    }

    @Override
    Batch poll(int max) {
      List<StoredAlert> alerts = store.alerts().after(cursor, Math.min(max, MAX_STORE_BATCH));
      if (alerts.isEmpty()) {
        return null;
      }
      List<Item> items = new ArrayList<>(alerts.size());
      for (StoredAlert a : alerts) {
        items.add(Records.alert(a));
      }
      return new Batch(items, alerts.get(alerts.size() - 1).id());
    }
  }

  private final class IncidentStream extends Stream {
    IncidentStream() {
      super(Kind.INCIDENTS);
    }

    @Override
    long end() {
      return store.incidents().lastEventId();
    }

    @Override
    Batch poll(int max) {
      List<IncidentEvent> entries = store.incidents().eventsAfter(cursor, Math.min(max, MAX_STORE_BATCH));
      if (entries.isEmpty()) {
        return null;
      }
      Instant now = clock.instant();
      List<Item> items = new ArrayList<>(entries.size());
      Map<Long, Optional<IncidentSummary>> incidents = new HashMap<>();
      long expected = cursor + 1;
      long last = cursor;
      for (IncidentEvent e : entries) {
        if (e.id() != expected && e.at() != null && e.at().plus(GAP_SETTLE).isAfter(now)) {
          break; // an earlier id may still be committing
        }
        Optional<IncidentSummary> s = incidents.computeIfAbsent(e.incidentId(), id -> store.incidents().summary(id));
        s.ifPresent(summary -> items.add(Records.incident(e, summary)));
        expected = e.id() + 1;
        last = e.id();
      }
      return last == cursor ? null : new Batch(items, last);
    }
  }
}
