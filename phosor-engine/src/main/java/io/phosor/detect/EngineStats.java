package io.phosor.detect;

import java.util.Map;

/**
 * What the engine has done since it started.
 *
 * @param events events processed
 * @param alerts alerts raised
 * @param suppressed alerts not raised because of suppress_seconds
 * @param lateEvents events that arrived later than the late tolerance
 * @param evictions group keys evicted because a rule reached its group cap
 * @param activeGroups group keys currently held, all rules together
 * @param alertsPerRule alerts raised per rule id
 */
public record EngineStats(long events, long alerts, long suppressed, long lateEvents, long evictions, long activeGroups,
    Map<String, Long> alertsPerRule) {}
