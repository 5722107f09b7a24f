package io.phosor.store;

import java.time.Instant;

/**
 * A detection rule as the user submitted it; the store does not interpret the text.
 *
 * @param id the rule's id
 * @param text the rule as submitted
 * @param format "json" or "yaml"
 * @param enabled whether the engine should run it
 * @param version 1 when created, one more with every change (continuing after a deletion and re-creation)
 * @param createdAt when this incarnation of the rule was created
 * @param updatedAt when it last changed
 * @param updatedBy who changed it last
 */
public record StoredRule(String id, String text, String format, boolean enabled, int version, Instant createdAt,
    Instant updatedAt, String updatedBy) {}
