package io.phosor.store;

import io.phosor.event.Severity;
import java.time.Instant;

/**
 * An incident: alerts about one thing, worked on together.
 *
 * @param id the store's id
 * @param title one line for humans
 * @param severity how bad it is
 * @param status where its handling is
 * @param entityType what kind of thing it is about, e.g. "ip", "user", "host" (null if none)
 * @param entityValue which one, e.g. "203.0.113.7" (null if none)
 * @param assignee who works on it (null when unassigned)
 * @param createdBy who or what opened it ("system" for the correlation engine)
 * @param createdAt when it was opened
 * @param updatedAt when anything about it last changed (timeline included)
 */
public record StoredIncident(long id, String title, Severity severity, IncidentStatus status, String entityType,
    String entityValue, String assignee, String createdBy, Instant createdAt, Instant updatedAt) {}
