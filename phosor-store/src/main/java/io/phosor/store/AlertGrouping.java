package io.phosor.store;

/**
 * What {@link Incidents#group} did with one alert.
 *
 * @param incident the incident the alert belongs to, as it is after the grouping
 * @param created true when the alert opened this incident (also when it is asked again about an alert it
 *     grouped before: it is the incident's first alert)
 * @param linked true when the alert was linked now; false when it was already linked (nothing changed)
 * @param severityRaised true when the alert raised the incident's severity now
 */
public record AlertGrouping(StoredIncident incident, boolean created, boolean linked, boolean severityRaised) {}
