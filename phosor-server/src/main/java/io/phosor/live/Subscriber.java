package io.phosor.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One live feed client: a bounded buffer of messages and the one sender that writes them.
 *
 * <p>Publishers (the pipeline, detection, stats and incident threads) call {@link #offer}, which never waits:
 * it appends to a lock-free queue and, when the buffer holds more than its capacity, drops the oldest message
 * and counts it. The sender (a virtual thread, {@link #run}) writes one message at a time and waits for that
 * write to finish before taking the next, so at most one write is outstanding and a client that reads
 * nothing holds one message in Jetty plus its buffer, never more. Whether the client has fallen behind is
 * judged by {@link #tooSlow} from the publisher-side counters; the hub disconnects it. The sender also re-checks
 * the client's token now and then, so an account disabled or a token expired while connected ends the feed.
 */
final class Subscriber implements Runnable {
  /** The sender wakes at least this often to ping an idle client and to notice a stop. */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final String id;
  private final String address;
  private final String actor;
  private final Instant connectedAt;
  private final Outlet outlet;
  private final int capacity;
  private final Clock clock;
  private final long pingMillis;
  private final Supplier<String> recheck;
  private final long recheckMillis;
  private long nextRecheck;
  private final ConcurrentLinkedQueue<String> buffer = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedUnreported = new AtomicLong();
  private final AtomicLong droppedInARow = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private volatile long behindSince;
  private volatile long lastWrite;
  private volatile int topics = Topic.ALL;
  private volatile boolean open = true;
  private volatile Thread sender;

  /** A client reached through {@code outlet}, holding at most {@code capacity} messages, never re-checked. */
  Subscriber(String id, String address, String actor, Outlet outlet, int capacity, Duration ping, Clock clock) {
    this(id, address, actor, outlet, capacity, ping, clock, null, Duration.ofDays(1));
  }

  /**
   * A client whose right to the feed is re-checked every {@code recheckEvery} with {@code recheck}, which
   * returns why the client may no longer read (it is then closed with 1008), or null.
   */
  Subscriber(String id, String address, String actor, Outlet outlet, int capacity, Duration ping, Clock clock,
      Supplier<String> recheck, Duration recheckEvery) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
    }
    this.id = id;
    this.address = address;
    this.actor = actor;
    this.outlet = outlet;
    this.capacity = capacity;
    this.clock = clock;
    this.pingMillis = ping.toMillis();
    this.recheck = recheck;
    this.recheckMillis = recheckEvery.toMillis();
    this.nextRecheck = clock.millis() + recheckMillis;
    this.connectedAt = clock.instant();
    this.lastWrite = clock.millis();
  }

  /** Starts the sender on a virtual thread. */
  void start() {
    Thread t = Thread.ofVirtual().name("phosor-ws-" + id).unstarted(this);
    sender = t;
    t.start();
  }

  /** The connection's id. */
  String id() {
    return id;
  }

  /** The client's IP address. */
  String address() {
    return address;
  }

  /** The connection, for closing it. */
  Outlet outlet() {
    return outlet;
  }

  /** True when the client wants {@code topic}. */
  boolean wants(Topic topic) {
    return (topics & topic.bit()) != 0;
  }

  /** Sets what the client wants (a mask of {@link Topic#bit()}). */
  void subscribe(int mask) {
    topics = mask;
  }

  /** The topics the client wants. */
  int topics() {
    return topics;
  }

  /**
   * Queues {@code message} without waiting; when the buffer is over capacity the oldest message goes.
   * Returns the number of messages dropped (0 or 1). Under concurrent offers and sends the bound holds to
   * within the number of threads offering at once.
   */
  int offer(String message) {
    if (!open) {
      return 0;
    }
    buffer.add(message);
    int lost = 0;
    if (size.incrementAndGet() > capacity && buffer.poll() != null) {
      size.decrementAndGet();
      lost = 1;
      dropped.incrementAndGet();
      droppedUnreported.incrementAndGet();
      droppedInARow.incrementAndGet();
      if (behindSince == 0) {
        behindSince = Math.max(1, clock.millis());
      }
    }
    Thread t = sender;
    if (t != null) {
      LockSupport.unpark(t);
    }
    return lost;
  }

  /**
   * Why this client should be disconnected, or null: it has kept losing messages for longer than
   * {@code maxLag} (its buffer has not emptied since the first loss), or it has lost {@code maxDrops}
   * messages with none written in between.
   */
  String tooSlow(long nowMillis, Duration maxLag, long maxDrops) {
    long inARow = droppedInARow.get();
    if (inARow >= maxDrops) {
      return "too slow: " + inARow + " messages dropped in a row";
    }
    long since = behindSince;
    if (since != 0 && nowMillis - since > maxLag.toMillis()) {
      return "too slow: behind for " + (nowMillis - since) / 1000 + "s, " + dropped.get() + " messages dropped";
    }
    return null;
  }

  /** Stops the sender; queued messages are discarded. Idempotent. */
  void stop() {
    open = false;
    buffer.clear();
    Thread t = sender;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** True until {@link #stop} or a failed write. */
  boolean isOpen() {
    return open;
  }

  /** Messages dropped for this client so far. */
  long dropped() {
    return dropped.get();
  }

  /** Messages written to this client so far. */
  long sent() {
    return sent.get();
  }

  /** Messages waiting in the buffer. */
  int buffered() {
    return Math.max(0, size.get());
  }

  /** The client as shown by {@code GET /api/live/clients}. */
  Map<String, Object> describe(long nowMillis) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("address", address);
    m.put("actor", actor);
    m.put("connected_at", connectedAt.toString());
    m.put("topics", Topic.names(topics));
    m.put("buffered", buffered());
    m.put("sent", sent.get());
    m.put("dropped", dropped.get());
    long since = behindSince;
    m.put("behind", since != 0);
    m.put("behind_seconds", since == 0 ? 0 : Math.max(0, nowMillis - since) / 1000);
    return m;
  }

  /** The sender loop: one write at a time, each awaited before the next. */
  @Override
  public void run() {
    while (open) {
      if (recheck != null && clock.millis() >= nextRecheck) {
        nextRecheck = clock.millis() + recheckMillis;
        String why = recheck.get();
        if (why != null) {
          outlet.close(LiveFeed.POLICY_VIOLATION, LiveFeed.trimReason(why));
          break;
        }
      }
      String next = buffer.poll();
      if (next == null) {
        behindSince = 0; // caught up: nothing is waiting
        if (clock.millis() - lastWrite >= pingMillis && !await(outlet.ping())) {
          break;
        }
        LockSupport.parkNanos(this, PARK_NANOS);
        continue;
      }
      size.decrementAndGet();
      long lost = droppedUnreported.getAndSet(0);
      if (lost > 0 && !write("{\"type\":\"dropped\",\"count\":" + lost + ",\"total\":" + dropped.get() + "}")) {
        break;
      }
      if (!write(next)) {
        break;
      }
    }
    open = false;
    buffer.clear();
  }

  private boolean write(String text) {
    if (!await(outlet.send(text))) {
      return false;
    }
    sent.incrementAndGet();
    droppedInARow.set(0);
    return true;
  }

  /** Waits for one write; false when it failed or the client was stopped meanwhile. */
  private boolean await(CompletableFuture<Void> write) {
    while (true) {
      try {
        write.get(PARK_NANOS, TimeUnit.NANOSECONDS);
        lastWrite = clock.millis();
        return true;
      } catch (TimeoutException e) {
        if (!open) {
          return false;
        }
      } catch (ExecutionException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
