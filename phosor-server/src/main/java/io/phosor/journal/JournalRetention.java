package io.phosor.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal from growing without bound: deletes whole segment files, oldest first, once every consumer
 * that reads the journal back (detection, the search indexer, file tailing's recovery, forwarders of events) is
 * durably past them, and they are older than {@link Policy#maxAge()} or the journal is larger than
 * {@link Policy#maxBytes()}. The segment being written is never deleted, and a segment a consumer still needs is
 * never deleted, whatever its age or the journal's size: a consumer that is stuck (a forwarding destination that is
 * down for days) holds the journal, and a warning names it. So retention never loses an event that something still
 * has to process; a disk that fills up anyway is handled by the pipeline's backpressure.
 *
 * <p>Each consumer registers with {@link #hold} a supplier of the lowest sequence number it may still read after a
 * restart (from its durable position, not its in-memory one). {@link #run()} is called every
 * {@link #CHECK_EVERY} by the thread {@link #start()} starts; a segment's age is the time since its last write
 * (its file's modification time).
 */
public final class JournalRetention implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);
  /** How often the journal is checked. */
  public static final Duration CHECK_EVERY = Duration.ofMinutes(1);
  /** How often a consumer holding segments past the policy is named in the log. */
  static final Duration WARN_EVERY = Duration.ofHours(1);

  /**
   * What may be deleted once every consumer is past it.
   *
   * @param maxAge segments whose last write is older than this go
   * @param maxBytes beyond this total size the oldest segments go, whatever their age; 0 = no size limit
   */
  public record Policy(Duration maxAge, long maxBytes) {
    /** Checks the bounds. */
    public Policy {
      if (maxAge == null || maxAge.isNegative()) {
        throw new IllegalArgumentException("maxAge must be >= 0");
      }
      if (maxBytes < 0) {
        throw new IllegalArgumentException("maxBytes must be >= 0");
      }
    }
  }

  /**
   * What one check found and did.
   *
   * @param deleted segment files deleted
   * @param deletedBytes their size
   * @param segments segment files left
   * @param bytes size of the journal left
   * @param heldBy the consumer that kept a segment the policy would have deleted, or null
   */
  public record Result(int deleted, long deletedBytes, int segments, long bytes, String heldBy) {}

  private final Path dir;
  private final Policy policy;
  private final Clock clock;
  private final Map<String, LongSupplier> holds = new LinkedHashMap<>();
  private final Counter deletedSegments;
  private final Counter deletedBytes;
  private volatile long bytes;
  private volatile int segments;
  private long lastWarn = Long.MIN_VALUE;
  private ScheduledExecutorService timer;

  /** Retention of the journal in {@code dir}; nothing runs until {@link #start()} (or {@link #run()}). */
  public JournalRetention(Path dir, Policy policy, MeterRegistry registry, Clock clock) {
    this.dir = dir;
    this.policy = policy;
    this.clock = clock;
    this.deletedSegments = Counter.builder("phosor.journal.segments.deleted")
        .description("Journal segment files deleted by retention").register(registry);
    this.deletedBytes = Counter.builder("phosor.journal.deleted.bytes")
        .description("Bytes of journal segments deleted by retention").register(registry);
    Gauge.builder("phosor.journal.bytes", () -> bytes).description("Size of the journal on disk (at the last check)")
        .register(registry);
    Gauge.builder("phosor.journal.segments", () -> segments)
        .description("Journal segment files on disk (at the last check)").register(registry);
  }

  /**
   * Registers a consumer: {@code firstNeeded} returns the lowest sequence number it may still read back (everything
   * below may be deleted), or {@link Long#MAX_VALUE} when it needs nothing from the journal now.
   */
  public synchronized void hold(String consumer, LongSupplier firstNeeded) {
    holds.put(consumer, firstNeeded);
  }

  /** Checks now and then every {@link #CHECK_EVERY} on a daemon thread. */
  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("phosor-journal-retention").daemon().factory());
    timer.scheduleWithFixedDelay(() -> {
      try {
        run();
      } catch (IOException | RuntimeException e) {
        LOG.warn("journal retention: checking {} failed: {}; trying again in {}", dir, e.toString(), CHECK_EVERY);
      }
    }, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One check: deletes what the policy allows and every consumer is past. */
  public synchronized Result run() throws IOException {
    List<Path> segs = Journal.segments(dir);
    long[] sizes = new long[segs.size()];
    long[] modified = new long[segs.size()];
    long total = 0;
    for (int i = 0; i < segs.size(); i++) {
      try {
        sizes[i] = Files.size(segs.get(i));
        modified[i] = Files.getLastModifiedTime(segs.get(i)).toMillis();
      } catch (NoSuchFileException gone) {
        sizes[i] = 0;
        modified[i] = Long.MIN_VALUE;
      }
      total += sizes[i];
    }
    long floor = Long.MAX_VALUE;
    String holder = null;
    for (Map.Entry<String, LongSupplier> h : holds.entrySet()) {
      long f = h.getValue().getAsLong();
      if (f < floor) {
        floor = f;
        holder = h.getKey();
      }
    }
    long now = clock.millis();
    long maxAge = policy.maxAge().toMillis();
    int deleted = 0;
    long freed = 0;
    String heldBy = null;
    // never the last segment: the writer appends to it
    for (int i = 0; i + 1 < segs.size(); i++) {
      boolean old = now - modified[i] >= maxAge;
      boolean over = policy.maxBytes() > 0 && total > policy.maxBytes();
      if (!old && !over) {
        break;
      }
      long lastSeq = Journal.baseOf(segs.get(i + 1)) - 1;
      if (lastSeq >= floor) {
        heldBy = holder;
        break;
      }
      try {
        Files.deleteIfExists(segs.get(i));
      } catch (IOException e) {
        LOG.warn("journal retention: cannot delete {}: {}", segs.get(i), e.toString());
        break;
      }
      deleted++;
      freed += sizes[i];
      total -= sizes[i];
    }
    if (deleted > 0) {
      deletedSegments.increment(deleted);
      deletedBytes.increment(freed);
      LOG.info("journal retention: deleted {} segment(s), {} bytes; the journal now starts at event {}", deleted, freed,
          Journal.baseOf(segs.get(deleted)));
    }
    if (heldBy != null && (lastWarn == Long.MIN_VALUE || now - lastWarn >= WARN_EVERY.toMillis())) {
      lastWarn = now;
      LOG.warn("journal retention: {} still needs events from {} on, so older segments stay on disk beyond the policy "
          + "(max age {}, max bytes {}); the journal holds {} bytes", heldBy, floor, policy.maxAge(),
          policy.maxBytes() == 0 ? "unlimited" : policy.maxBytes(), total);
    }
    bytes = total;
    segments = segs.size() - deleted;
    return new Result(deleted, freed, segs.size() - deleted, total, heldBy);
  }

  /** The consumers and the first event each still needs (for status and tests). */
  public synchronized Map<String, Long> holds() {
    Map<String, Long> m = new LinkedHashMap<>();
    holds.forEach((k, v) -> m.put(k, v.getAsLong()));
    return m;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
