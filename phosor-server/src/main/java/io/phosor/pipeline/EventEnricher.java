package io.phosor.pipeline;

import io.phosor.event.Event;

/**
 * Adds fields to each event after it is parsed and redacted, before it is journaled (threat-intelligence
 * matches). Runs on the pipeline thread for every event: it must be fast, must not block or do I/O, and
 * should allocate nothing when it adds nothing.
 */
@FunctionalInterface
public interface EventEnricher {
  /** Enriches {@code event} in place. */
  void enrich(Event event);
}
