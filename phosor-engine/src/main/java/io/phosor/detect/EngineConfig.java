package io.phosor.detect;

import java.time.Duration;

/**
 * Engine limits and clock tolerance.
 *
 * @param lateTolerance how far behind the newest event time an event may arrive and still count in
 *     event-time windows (later ones are counted as late and handled as docs/rules.md states)
 * @param maxGroupsPerRule group keys kept per rule; beyond it the least recently used are evicted (counted)
 * @param maxEventIdsPerAlert contributing event ids carried by an alert
 */
public record EngineConfig(Duration lateTolerance, int maxGroupsPerRule, int maxEventIdsPerAlert) {
  /** Defaults: 60 s late tolerance, 100,000 groups per rule, 50 event ids per alert. */
  public static final EngineConfig DEFAULTS = new EngineConfig(Duration.ofSeconds(60), 100_000, Alert.MAX_EVENT_IDS);

  /** Validates. */
  public EngineConfig {
    if (lateTolerance == null || lateTolerance.isNegative()) {
      throw new IllegalArgumentException("lateTolerance must be >= 0");
    }
    if (maxGroupsPerRule < 1) {
      throw new IllegalArgumentException("maxGroupsPerRule must be > 0, was " + maxGroupsPerRule);
    }
    if (maxEventIdsPerAlert < 0 || maxEventIdsPerAlert > Alert.MAX_EVENT_IDS) {
      throw new IllegalArgumentException("maxEventIdsPerAlert must be 0-" + Alert.MAX_EVENT_IDS);
    }
  }
}
