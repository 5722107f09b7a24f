package io.phosor.store;

import java.time.Instant;

/**
 * An incident as lists show it: the incident plus when its newest alert happened and how many alerts it has.
 *
 * @param incident the incident
 * @param lastAlertAt the time (last event) of its newest alert; alerts about the same entity within the grouping
 *     window of this join it (null while it has no alert)
 * @param alertCount how many alerts are linked to it
 */
public record IncidentSummary(StoredIncident incident, Instant lastAlertAt, long alertCount) {}
