package io.phosor.store;

import java.time.Instant;

/**
 * A user account.
 *
 * @param id the store's id
 * @param username the name as created (unique regardless of case)
 * @param passwordHash the password hash (Argon2id or bcrypt string; opaque to the store)
 * @param role "admin", "analyst" or "viewer" (the server owns the list)
 * @param disabled whether the account may not log in
 * @param createdAt when it was created
 * @param updatedAt when its password, role or disabled flag last changed
 * @param lastLoginAt when it last logged in (null if never)
 */
public record StoredUser(long id, String username, String passwordHash, String role, boolean disabled, Instant createdAt,
    Instant updatedAt, Instant lastLoginAt) {
  /** Leaves the password hash out, so logging a user never writes it. */
  @Override
  public String toString() {
    return "StoredUser[id=" + id + ", username=" + username + ", role=" + role + ", disabled=" + disabled
        + ", createdAt=" + createdAt + ", updatedAt=" + updatedAt + ", lastLoginAt=" + lastLoginAt + "]";
  }
}
