package io.phosor.respond;

import io.phosor.event.Severity;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a notification says, the same for every channel (each renders it in its own format).
 *
 * @param dedupKey stable key of what is notified, e.g. "phosor-incident-42": PagerDuty's dedup_key, the email's
 *     Message-ID seed, the webhook's idempotency key; a resolve uses the same key as its trigger
 * @param resolve true when this tells that the incident was resolved (PagerDuty "resolve")
 * @param title one line, e.g. "[HIGH] SSH brute force from 203.0.113.7"
 * @param severity the incident's (or alert's) severity
 * @param summary a few lines for humans
 * @param incidentId the incident, or null
 * @param alertId the alert that triggered it, or null
 * @param ruleId the rule that raised the alert, or null
 * @param tags the rule's tags (MITRE ATT&amp;CK and others)
 * @param entityType "ip", "user" or "host", or null
 * @param entityValue the entity, or null
 * @param at when it happened
 * @param link the incident in the dashboard, or null when PHOSOR_PUBLIC_URL is not set
 * @param details further fields for channels that carry structured data (enrichment, counts), JSON-compatible
 */
public record Notice(String dedupKey, boolean resolve, String title, Severity severity, String summary, Long incidentId,
    Long alertId, String ruleId, List<String> tags, String entityType, String entityValue, Instant at, URI link,
    Map<String, Object> details) {
  /** Copies the collections. */
  public Notice {
    tags = List.copyOf(tags);
    details = Map.copyOf(details);
  }
}
