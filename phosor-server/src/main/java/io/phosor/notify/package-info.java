/**
 * The integrations that response actions use: notifiers for Slack, Microsoft Teams, PagerDuty Events API v2,
 * email over SMTP and a signed generic webhook, and account disabling through SCIM 2.0 or a signed webhook.
 * Each call makes one attempt, bounded by the action timeout, and classifies a failure as retryable or not;
 * the response engine ({@code io.phosor.respond}) retries, and builds these through {@link
 * io.phosor.notify.Integrations}. See docs/integrations.md.
 */
package io.phosor.notify;
