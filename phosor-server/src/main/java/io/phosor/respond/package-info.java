/**
 * Response: playbooks, the action engine (allowed actions, dry run, idempotency, durable outbox with retries),
 * the blocklist, and the contracts of the integrations that actions use ({@link io.phosor.respond.Notifier},
 * {@link io.phosor.respond.AccountDisabler}). See docs/response.md.
 */
package io.phosor.respond;
