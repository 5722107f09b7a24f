package io.phosor.ratelimit;

import java.time.Instant;

/**
 * What the limiter knows about one source.
 *
 * @param key the source key (sender IP, token id or source name)
 * @param reputation 0 (hostile) to 100 (trusted)
 * @param allowedPerSecond the rate currently allowed
 * @param violations how many times the source has exceeded its rate
 * @param blockedUntil when the current block ends, or null when not blocked
 * @param refused events refused so far
 */
public record SourceReputation(String key, int reputation, double allowedPerSecond, long violations,
    Instant blockedUntil, long refused) {}
