package io.phosor.detect;

import io.phosor.event.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a rule raised.
 *
 * @param ruleId the rule's id
 * @param ruleName the rule's name
 * @param severity the rule's severity
 * @param tags the rule's tags
 * @param groupKey the values of the rule's group_by fields for this alert (empty for a global rule)
 * @param firstSeen event time of the first contributing event
 * @param lastSeen event time of the last contributing event (for absence: when the wait ran out)
 * @param count how many events contributed
 * @param eventIds journal ids of the contributing events, at most {@link #MAX_EVENT_IDS} (the latest)
 * @param summary one line for humans, e.g. "5 auth_fail events from source.ip=203.0.113.7 within 60 s"
 */
public record Alert(String ruleId, String ruleName, Severity severity, List<String> tags, Map<String, String> groupKey,
    Instant firstSeen, Instant lastSeen, long count, List<Long> eventIds, String summary) {
  /** Bounds an alert's size however many events contributed. */
  public static final int MAX_EVENT_IDS = 50;

  /** Copies the collections. */
  public Alert {
    tags = List.copyOf(tags);
    groupKey = Map.copyOf(groupKey);
    eventIds = List.copyOf(eventIds);
  }
}
