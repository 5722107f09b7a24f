package io.phosor.detect;

import io.phosor.event.Event;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The detection engine: runs the loaded rules over events, one at a time, in the order given, and
 * hands alerts to a sink. A pure library: no I/O, no threads of its own, time from the injected clock
 * (ingest-time rules and timers) and from the events (event-time windows). Not thread-safe: one thread
 * owns an engine. The server, {@code phosor replay}, rule tests and backfill all run this class.
 * STUB: the API is final, the implementation is in progress.
 */
public final class Engine {
  private final EngineConfig config;
  private final Clock clock;

  /** Creates an engine with no rules. */
  public Engine(EngineConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * Replaces the rule set (compiling every rule first, so a bad rule leaves the old set running). State
   * of rules whose id and definition are unchanged is kept; removed or changed rules lose theirs.
   */
  public void setRules(List<Rule> rules) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The rules in force. */
  public List<Rule> rules() {
    return List.of();
  }

  /** Runs every enabled rule over one event. */
  public void process(Event event, AlertSink sink) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Lets time pass without an event: fires what is due by now (absence rules whose wait ran out by the
   * current watermark or, for ingest-time rules, the clock) and expires idle state. The server calls it
   * about once a second; replay calls it after the last event via {@link #finish(AlertSink)}.
   */
  public void advance(AlertSink sink) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** End of input (replay, backfill, tests): fires every timer whose deadline the last event time has passed. */
  public void finish(AlertSink sink) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Counters since start. */
  public EngineStats stats() {
    return new EngineStats(0, 0, 0, 0, 0, 0, Map.of());
  }

  /**
   * The new-value baselines (rule id -> group key -> values seen, with the group's first-seen time) as
   * plain JSON-ready maps, so the caller can persist them; the engine itself does no I/O.
   */
  public Map<String, Object> exportBaselines() {
    return Map.of();
  }

  /** Restores baselines written by {@link #exportBaselines()} (for rules that exist; others are ignored). */
  public void importBaselines(Map<String, Object> baselines) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  EngineConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }
}
