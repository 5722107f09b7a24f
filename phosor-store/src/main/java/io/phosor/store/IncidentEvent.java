package io.phosor.store;

import java.time.Instant;

/**
 * One entry of an incident's timeline.
 *
 * @param id the store's id, increasing in order of appending
 * @param incidentId the incident
 * @param kind what happened: "created", "status_changed", "assigned", "note", "alert_linked", or a kind
 *     the caller appended
 * @param detail a JSON document with the specifics (null if none)
 * @param by who did it
 * @param at when
 */
public record IncidentEvent(long id, long incidentId, String kind, String detail, String by, Instant at) {}
