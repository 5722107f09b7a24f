package io.phosor.audit;

import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security events that happen per event (PII redacted, events refused by the rate limiter) are audited
 * as one entry per source per period from the per-source counters the pipeline keeps anyway: nothing is
 * added to the hot path, and a flood yields one entry a minute per source, not one per event.
 */
public final class SecurityCounts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecurityCounts.class);
  /** The issue asks for counts per source per minute. */
  public static final Duration PERIOD = Duration.ofMinutes(1);

  private record Seen(long rateLimited, Map<String, Long> pii) {}

  private final SourceStats stats;
  private final Audit audit;
  private final Clock clock;
  private final Map<String, Seen> last = new HashMap<>();
  private Instant since;
  private ScheduledExecutorService timer;

  /** Reports the growth of {@code stats}' counters to {@code audit}. */
  public SecurityCounts(SourceStats stats, Audit audit, Clock clock) {
    this.stats = stats;
    this.audit = audit;
    this.clock = clock;
    this.since = clock.instant();
  }

  /**
   * Records, per source, the PII findings ({@code pii.detected}) and rate-limited events
   * ({@code rate_limit.blocked}) counted since the previous report. Called every {@link #PERIOD}.
   */
  public synchronized void report() {
    Instant now = clock.instant();
    for (SourceCounters c : stats.all()) {
      Seen prev = last.get(c.id());
      long limited = c.rateLimitedCount();
      Map<String, Long> pii = c.piiByKind();
      long limitedBefore = prev == null ? 0 : prev.rateLimited();
      if (limited > limitedBefore) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("events", limited - limitedBefore);
        d.put("since", since.toString());
        audit.record(AuditTrail.SYSTEM, null, null, "rate_limit.blocked", c.id(), "blocked", d);
      }
      Map<String, Long> kinds = new LinkedHashMap<>();
      long findings = 0;
      for (Map.Entry<String, Long> e : pii.entrySet()) {
        long before = prev == null ? 0 : prev.pii().getOrDefault(e.getKey(), 0L);
        if (e.getValue() > before) {
          kinds.put(e.getKey(), e.getValue() - before);
          findings += e.getValue() - before;
        }
      }
      if (!kinds.isEmpty()) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("findings", findings);
        d.put("kinds", kinds);
        d.put("since", since.toString());
        audit.record(AuditTrail.SYSTEM, null, null, "pii.detected", c.id(), "redacted", d);
      }
      if (prev == null || limited != limitedBefore || !kinds.isEmpty()) {
        last.put(c.id(), new Seen(limited, pii));
      }
    }
    since = now;
  }

  /** Reports every {@link #PERIOD} on a timer thread of its own. */
  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("phosor-audit-counts").daemon().factory());
    long ms = PERIOD.toMillis();
    timer.scheduleAtFixedRate(() -> {
      try {
        report();
      } catch (RuntimeException e) {
        LOG.warn("audit: counting security events failed: {}", e.toString());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Stops the timer and reports what was counted since the last report. */
  @Override
  public void close() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = timer;
      timer = null;
    }
    if (t != null) {
      t.shutdown();
      try {
        t.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    report();
  }
}
