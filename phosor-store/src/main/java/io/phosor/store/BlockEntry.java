package io.phosor.store;

import java.time.Instant;

/**
 * An address on the blocklist. It is active until it expires or is removed; the entry stays afterwards, for the
 * record.
 *
 * @param id the store's id
 * @param address the normalised IPv4 or IPv6 address
 * @param reason why it was blocked, for humans (null if none)
 * @param incidentId the incident it was blocked for (null if none)
 * @param addedBy who or what blocked it, e.g. "playbook:high-severity" or "manual:alice"
 * @param createdAt when it was blocked
 * @param expiresAt when the block ends (null: never)
 * @param removedAt when it was removed or expired (null while active)
 * @param removedBy who removed it, or "expiry" (null while active)
 */
public record BlockEntry(long id, String address, String reason, Long incidentId, String addedBy, Instant createdAt,
    Instant expiresAt, Instant removedAt, String removedBy) {
  /** Whether it blocks at {@code now}: not removed and not expired. */
  public boolean activeAt(Instant now) {
    return removedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }
}
