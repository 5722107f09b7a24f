package io.phosor.store;

import io.phosor.event.Severity;

/**
 * What {@link Incidents#list(IncidentQuery)} returns: the newest incidents (highest id first) that pass every
 * filter given. Start with {@link #newest(int)} and add filters with the {@code with...} methods.
 *
 * @param limit how many at most, 1 to 1000
 * @param status only this status (null: all)
 * @param minSeverity only this severity or higher (null: all)
 * @param assignee only incidents assigned to this user (null: all)
 * @param entityType only incidents about this kind of entity, e.g. "ip" (null: all)
 * @param entityValue only incidents about this entity, e.g. "203.0.113.7" (null: all)
 * @param beforeId only incidents with a smaller id, for the next page (null: from the newest)
 */
public record IncidentQuery(int limit, IncidentStatus status, Severity minSeverity, String assignee,
    String entityType, String entityValue, Long beforeId) {
  /** Checks the limit and the lengths of the filters. */
  public IncidentQuery {
    Check.limit(limit);
    Check.optionalText(assignee, "assignee", Check.MAX_ID);
    Check.optionalText(entityType, "entity type", Check.MAX_ID);
    Check.optionalText(entityValue, "entity value", Check.MAX_TEXT);
  }

  /** The newest {@code limit} incidents, unfiltered. */
  public static IncidentQuery newest(int limit) {
    return new IncidentQuery(limit, null, null, null, null, null, null);
  }

  /** A copy keeping only incidents in {@code status}. */
  public IncidentQuery withStatus(IncidentStatus status) {
    return new IncidentQuery(limit, status, minSeverity, assignee, entityType, entityValue, beforeId);
  }

  /** A copy keeping only incidents of {@code minSeverity} or higher. */
  public IncidentQuery withMinSeverity(Severity minSeverity) {
    return new IncidentQuery(limit, status, minSeverity, assignee, entityType, entityValue, beforeId);
  }

  /** A copy keeping only incidents assigned to {@code assignee}. */
  public IncidentQuery withAssignee(String assignee) {
    return new IncidentQuery(limit, status, minSeverity, assignee, entityType, entityValue, beforeId);
  }

  /** A copy keeping only incidents about entities of {@code type} (and, unless null, of {@code value}). */
  public IncidentQuery withEntity(String type, String value) {
    return new IncidentQuery(limit, status, minSeverity, assignee, type, value, beforeId);
  }

  /** A copy returning the page after the incident with id {@code beforeId}. */
  public IncidentQuery withBeforeId(Long beforeId) {
    return new IncidentQuery(limit, status, minSeverity, assignee, entityType, entityValue, beforeId);
  }
}
