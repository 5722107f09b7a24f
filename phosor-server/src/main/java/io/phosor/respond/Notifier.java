package io.phosor.respond;

/**
 * One notification channel (Slack, Teams, PagerDuty, email, signed webhook). Thread-safe. {@link #send} may
 * block, but never longer than the configured action timeout; the response engine calls it on its own worker
 * threads, never on the detection path, and retries retryable failures with backoff.
 */
public interface Notifier {
  /** The channel's name as playbooks write it: "slack", "teams", "pagerduty", "email" or "webhook". */
  String channel();

  /**
   * Delivers the notice once. Returns the outcome for the record, e.g. "HTTP 200" or "250 OK queued".
   *
   * @throws ActionFailure when it was not delivered (the message says why, without secrets)
   */
  String send(Notice notice) throws ActionFailure;
}
