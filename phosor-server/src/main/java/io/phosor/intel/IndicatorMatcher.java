package io.phosor.intel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.pipeline.EventEnricher;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The ingest hook: when an event's {@code source.ip} (else its {@code destination.ip}) is listed in a local
 * indicator file, adds {@code threat.indicator.ip}, {@code threat.indicator.source} (the file),
 * {@code threat.indicator.description} (when the file has one) and {@code threat.indicator.matched_field}, which
 * the built-in rule {@code known-bad-ip} alerts on. Runs on the pipeline thread only (it owns a scratch buffer):
 * one volatile read, an address parse and a binary search per field; nothing is allocated unless it matches.
 */
final class IndicatorMatcher implements EventEnricher {
  /** The field with the listed address. */
  static final String IP = "threat.indicator.ip";
  /** The indicator file that lists it. */
  static final String SOURCE = "threat.indicator.source";
  /** What the file says about it. */
  static final String DESCRIPTION = "threat.indicator.description";
  /** Which event field held the address: source.ip or destination.ip. */
  static final String MATCHED_FIELD = "threat.indicator.matched_field";

  private final Supplier<IndicatorIndex> index;
  private final Clock clock;
  private final Counter matched;
  private final long[] scratch = new long[2];

  IndicatorMatcher(Supplier<IndicatorIndex> index, Clock clock, MeterRegistry registry) {
    this.index = index;
    this.clock = clock;
    this.matched = Counter.builder("phosor_intel_event_matches").description("Events whose address is listed in a "
        + "local indicator file (tagged threat.indicator.*)").register(registry);
  }

  @Override
  public void enrich(Event event) {
    IndicatorIndex idx = index.get();
    if (idx.isEmpty()) {
      return;
    }
    if (!check(event, idx, Fields.SOURCE_IP)) {
      check(event, idx, Fields.DESTINATION_IP);
    }
  }

  private boolean check(Event event, IndicatorIndex idx, String field) {
    if (!(event.get(field) instanceof String ip)) {
      return false;
    }
    Indicator hit = idx.first(ip, clock.millis(), scratch);
    if (hit == null) {
      return false;
    }
    event.put(IP, ip);
    event.put(SOURCE, hit.source());
    String description = hit.description() != null ? hit.description() : hit.name();
    if (description != null) {
      event.put(DESCRIPTION, description);
    }
    event.put(MATCHED_FIELD, field);
    matched.increment();
    return true;
  }
}
