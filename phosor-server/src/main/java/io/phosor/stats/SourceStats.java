package io.phosor.stats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.phosor.redact.PiiType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-source counters, exported to Prometheus with a {@code source} label. The number of tracked
 * sources is bounded: past {@link #MAX_SOURCES}, new senders are counted under "{kind}:other" so a
 * spoofed-address flood cannot exhaust memory or explode metric cardinality.
 */
public final class SourceStats {
  /** Enough for every host of a large site; beyond it a flood of new addresses folds into one entry. */
  public static final int MAX_SOURCES = 10_000;

  private final ConcurrentHashMap<String, SourceCounters> sources = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final LongAdder totalEvents = new LongAdder();

  /** Creates the registry of sources, exporting to {@code registry}. */
  public SourceStats(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The counters of source {@code id} of the given kind, created on first use. */
  public SourceCounters source(String kind, String id) {
    SourceCounters c = sources.get(id);
    if (c != null) {
      return c;
    }
    if (sources.size() >= MAX_SOURCES) {
      id = kind + ":other";
    }
    return sources.computeIfAbsent(id, k -> register(new SourceCounters(k, kind)));
  }

  private SourceCounters register(SourceCounters c) {
    Tags tags = Tags.of("source", c.id(), "kind", c.kind());
    FunctionCounter.builder("phosor_events_received", c, x -> x.received.sum()).tags(tags)
        .description("Messages received per source").register(registry);
    FunctionCounter.builder("phosor_events_parsed", c, x -> x.parsed.sum()).tags(tags)
        .description("Events parsed per source").register(registry);
    FunctionCounter.builder("phosor_parse_failures", c, x -> x.parseFailures.sum()).tags(tags)
        .description("Events kept as parse failures per source").register(registry);
    FunctionCounter.builder("phosor_events_rate_limited", c, x -> x.rateLimited.sum()).tags(tags)
        .description("Events refused by the rate limiter per source").register(registry);
    FunctionCounter.builder("phosor_events_dropped", c, x -> x.dropped.sum()).tags(tags)
        .description("Events dropped per source (UDP with a full queue, journal failure)").register(registry);
    FunctionCounter.builder("phosor_events_refused_busy", c, x -> x.refusedBusy.sum()).tags(tags)
        .description("Events refused with 503 because the ingest queue was full, per source").register(registry);
    FunctionCounter.builder("phosor_frames_oversized", c, x -> x.oversized.sum()).tags(tags)
        .description("Frames skipped for exceeding the maximum size per source").register(registry);
    FunctionCounter.builder("phosor_events_redacted", c, x -> x.redactedEvents.sum()).tags(tags)
        .description("Events in which PII was redacted per source").register(registry);
    for (PiiType t : PiiType.values()) {
      LongAdder a = c.pii.get(t);
      FunctionCounter.builder("phosor_redactions", a, LongAdder::sum)
          .tags(tags.and("pii", t.name().toLowerCase(Locale.ROOT)))
          .description("PII findings redacted per source and kind").register(registry);
    }
    return c;
  }

  /** Counts events that made it into the journal. */
  public void journaled(int n) {
    totalEvents.add(n);
  }

  /** Events journaled since start. */
  public long totalEvents() {
    return totalEvents.sum();
  }

  /** Every source seen so far. */
  public Collection<SourceCounters> all() {
    return new ArrayList<>(sources.values());
  }

  /** Sources that sent something within the last {@code windowMillis} before {@code nowMillis}. */
  public List<SourceCounters> active(long nowMillis, long windowMillis) {
    List<SourceCounters> out = new ArrayList<>();
    for (SourceCounters c : sources.values()) {
      if (c.lastSeen() != null && nowMillis - c.lastSeen().toEpochMilli() <= windowMillis) {
        out.add(c);
      }
    }
    return out;
  }
}
