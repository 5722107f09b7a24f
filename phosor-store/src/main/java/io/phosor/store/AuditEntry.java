package io.phosor.store;

import java.time.Instant;

/**
 * One entry of the audit trail.
 *
 * @param id the store's id, increasing in order of appending
 * @param at when
 * @param actor who: a user name, "system", or a token's name
 * @param action what, e.g. "rule.update", "auth.login_failed"
 * @param target what it was done to, e.g. a rule id (null if nothing in particular)
 * @param detail a JSON document with the specifics (null if none)
 * @param address the client's IP address (null when not from a request)
 */
public record AuditEntry(long id, Instant at, String actor, String action, String target, String detail,
    String address) {}
