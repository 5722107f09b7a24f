package io.phosor.stats;

import io.phosor.redact.PiiType;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one source (a syslog sender, a webhook name, a tailed file, a HEC token). */
public final class SourceCounters {
  private final String id;
  private final String kind;
  final LongAdder received = new LongAdder();
  final LongAdder parsed = new LongAdder();
  final LongAdder parseFailures = new LongAdder();
  final LongAdder rateLimited = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder refusedBusy = new LongAdder();
  final LongAdder oversized = new LongAdder();
  final LongAdder redactedEvents = new LongAdder();
  final EnumMap<PiiType, LongAdder> pii = new EnumMap<>(PiiType.class);
  private volatile long lastSeenMillis;

  SourceCounters(String id, String kind) {
    this.id = id;
    this.kind = kind;
    for (PiiType t : PiiType.values()) {
      pii.put(t, new LongAdder());
    }
  }

  /** The source id, e.g. "syslog:10.0.0.5", "webhook:my_app", "file:/var/log/auth.log". */
  public String id() {
    return id;
  }

  /** The kind of source: syslog, webhook, ingest, hec, file. */
  public String kind() {
    return kind;
  }

  /** Counts messages that arrived from this source (before rate limiting and parsing). */
  public void received(int n, long nowMillis) {
    received.add(n);
    lastSeenMillis = nowMillis;
  }

  /** Counts events parsed successfully. */
  public void parsed() {
    parsed.increment();
  }

  /** Counts events kept as parse failures. */
  public void parseFailure() {
    parseFailures.increment();
  }

  /** Counts events refused by the rate limiter. */
  public void rateLimited(int n) {
    rateLimited.add(n);
  }

  /** Counts events dropped (UDP with a full queue, journal failure). */
  public void dropped(int n) {
    dropped.add(n);
  }

  /** Counts events refused because the ingest queue was full (HTTP 503; the sender retries). */
  public void refusedBusy(int n) {
    refusedBusy.add(n);
  }

  /** Events refused because the queue was full. */
  public long refusedBusyCount() {
    return refusedBusy.sum();
  }

  /** Counts frames skipped because they exceeded the maximum size. */
  public void oversized() {
    oversized.increment();
  }

  /** Records the redactions made in one event. */
  public void redacted(Map<PiiType, Integer> counts) {
    if (counts.isEmpty()) {
      return;
    }
    redactedEvents.increment();
    counts.forEach((t, n) -> pii.get(t).add(n));
  }

  /** Messages received. */
  public long receivedCount() {
    return received.sum();
  }

  /** Events parsed without error. */
  public long parsedCount() {
    return parsed.sum();
  }

  /** Events kept as parse failures. */
  public long parseFailureCount() {
    return parseFailures.sum();
  }

  /** Events refused by the rate limiter. */
  public long rateLimitedCount() {
    return rateLimited.sum();
  }

  /** Events dropped. */
  public long droppedCount() {
    return dropped.sum();
  }

  /** Oversized frames skipped. */
  public long oversizedCount() {
    return oversized.sum();
  }

  /** Total PII findings redacted. */
  public long piiCount() {
    long n = 0;
    for (LongAdder a : pii.values()) {
      n += a.sum();
    }
    return n;
  }

  /** PII findings per kind (only kinds seen). */
  public Map<String, Long> piiByKind() {
    Map<String, Long> out = new java.util.TreeMap<>();
    pii.forEach((t, a) -> {
      long v = a.sum();
      if (v > 0) {
        out.put(t.name().toLowerCase(java.util.Locale.ROOT), v);
      }
    });
    return out;
  }

  /** When this source last sent something, or null. */
  public Instant lastSeen() {
    long m = lastSeenMillis;
    return m == 0 ? null : Instant.ofEpochMilli(m);
  }
}
