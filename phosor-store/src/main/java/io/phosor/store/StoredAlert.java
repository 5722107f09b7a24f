package io.phosor.store;

import io.phosor.detect.Alert;
import java.time.Instant;

/**
 * An alert as stored. Instants come back at millisecond precision.
 *
 * @param id the store's id, increasing with insertion order
 * @param fingerprint {@link Alerts#fingerprint(Alert)} of the alert: the same alert is stored once
 * @param alert what the engine raised
 * @param status triage state
 * @param createdAt when the store received it
 * @param acknowledgedBy who acknowledged it (null while open)
 * @param acknowledgedAt when it was acknowledged (null while open)
 * @param resolvedBy who resolved it (null until resolved)
 * @param resolvedAt when it was resolved (null until resolved)
 * @param enrichment reputation and threat-intelligence findings about its entities, a JSON object (null until
 *     enriched)
 */
public record StoredAlert(long id, String fingerprint, Alert alert, AlertStatus status, Instant createdAt,
    String acknowledgedBy, Instant acknowledgedAt, String resolvedBy, Instant resolvedAt, String enrichment) {}
