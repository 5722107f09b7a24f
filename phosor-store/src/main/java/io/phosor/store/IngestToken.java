package io.phosor.store;

import java.time.Instant;

/**
 * A named ingest token. The token itself is never stored, only its SHA-256, which this record leaves
 * out so it cannot leak into API answers.
 *
 * @param name the token's name
 * @param createdBy who created it
 * @param createdAt when
 * @param lastUsedAt when it last authenticated a request, to the minute (null if never)
 * @param revoked whether it was revoked
 * @param revokedAt when it was revoked (null if not)
 */
public record IngestToken(String name, String createdBy, Instant createdAt, Instant lastUsedAt, boolean revoked,
    Instant revokedAt) {}
