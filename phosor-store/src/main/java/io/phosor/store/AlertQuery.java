package io.phosor.store;

import io.phosor.event.Severity;
import java.time.Instant;
import java.util.Set;

/**
 * What {@link Alerts#list} returns: the newest alerts (highest id first) that pass every filter given.
 * Start with {@link #newest(int)} and add filters with the {@code with...} methods.
 *
 * @param limit how many at most, 1 to 1000
 * @param severities only these severities (empty: all)
 * @param status only this status (null: all)
 * @param ruleId only this rule's alerts (null: all)
 * @param from only alerts whose last_seen is at or after this (null: no lower bound)
 * @param to only alerts whose last_seen is before this (null: no upper bound)
 * @param beforeId only alerts with a smaller id, for the next page (null: from the newest)
 */
public record AlertQuery(int limit, Set<Severity> severities, AlertStatus status, String ruleId, Instant from,
    Instant to, Long beforeId) {
  /** Checks the limit and the time range. */
  public AlertQuery {
    Check.limit(limit);
    severities = severities == null ? Set.of() : Set.copyOf(severities);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("alert query: from (" + from + ") must be before to (" + to + ")");
    }
    Check.optionalText(ruleId, "rule id", Check.MAX_ID);
  }

  /** The newest {@code limit} alerts, unfiltered. */
  public static AlertQuery newest(int limit) {
    return new AlertQuery(limit, Set.of(), null, null, null, null, null);
  }

  /** A copy keeping only these severities. */
  public AlertQuery withSeverities(Set<Severity> severities) {
    return new AlertQuery(limit, severities, status, ruleId, from, to, beforeId);
  }

  /** A copy keeping only alerts in {@code status}. */
  public AlertQuery withStatus(AlertStatus status) {
    return new AlertQuery(limit, severities, status, ruleId, from, to, beforeId);
  }

  /** A copy keeping only rule {@code ruleId}'s alerts. */
  public AlertQuery withRuleId(String ruleId) {
    return new AlertQuery(limit, severities, status, ruleId, from, to, beforeId);
  }

  /** A copy keeping only alerts last seen in [from, to) (either may be null). */
  public AlertQuery withLastSeen(Instant from, Instant to) {
    return new AlertQuery(limit, severities, status, ruleId, from, to, beforeId);
  }

  /** A copy returning the page after the alert with id {@code beforeId}. */
  public AlertQuery withBeforeId(Long beforeId) {
    return new AlertQuery(limit, severities, status, ruleId, from, to, beforeId);
  }
}
