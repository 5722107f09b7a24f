package io.phosor.store;

import java.time.Instant;

/**
 * A response action (block an IP, disable a user, send a notification) and how it went.
 *
 * @param id the store's id
 * @param type the action's type, e.g. "block_ip"
 * @param parameters its parameters, a JSON document (null if none)
 * @param incidentId the incident it was taken for (null if none)
 * @param alertId the alert it was taken for (null if none)
 * @param trigger what started it, e.g. "manual:alice" or "playbook:brute-force"
 * @param status where it is
 * @param attempts how many times it was tried
 * @param outcome what happened, for humans (null until known)
 * @param createdAt when it was created
 * @param startedAt when it first left pending (null until then)
 * @param finishedAt when it ended (null while pending or running)
 * @param dedupKey what makes it unique, e.g. "incident:42|block_ip|ip:203.0.113.7" (null: not deduplicated)
 * @param nextAttemptAt when a pending action may be tried next (null: at once)
 */
public record StoredAction(long id, String type, String parameters, Long incidentId, Long alertId, String trigger,
    ActionStatus status, int attempts, String outcome, Instant createdAt, Instant startedAt, Instant finishedAt,
    String dedupKey, Instant nextAttemptAt) {}
