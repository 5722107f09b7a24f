package io.phosor.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * The limiter's memory of one source: token bucket, reputation, backoff. Mutable; every field except
 * {@link #blockedUntil} and {@link #refused} is guarded by the instance lock. Those two are volatile so
 * that the hot "still blocked" path needs no lock.
 */
final class SourceState {
  private static final VarHandle REFUSED;

  static {
    try {
      REFUSED = MethodHandles.lookup().findVarHandle(SourceState.class, "refused", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final String key;
  /** Events currently in the bucket (may be fractional: the bucket refills continuously). */
  double tokens;
  /** When {@link #tokens} was last refilled, epoch millis. */
  long lastRefill;
  /** When the source last asked while not blocked, epoch millis. */
  long lastSeen;
  /** 0 (hostile) to 100 (trusted). */
  int reputation;
  /** From when clean behaviour earns back reputation, epoch millis (the end of the last block). */
  long cleanSince;
  /** When the last block ended or will end, epoch millis. */
  long lastBlockEnd;
  /** Violations since the backoff was last reset: the n in the 2^n seconds block. */
  int consecutive;
  /** Violations ever (while the limiter remembers the source). */
  long violations;
  /** Set, under the lock, when the limiter has dropped this state: a holder must look the key up again. */
  boolean evicted;
  /** Start of the current one-second reporting window, epoch millis (only for the WARN line). */
  long windowStart;
  /** Events requested in the current reporting window (only for the WARN line). */
  long windowCount;

  /** When the current block ends, epoch millis; in the past when not blocked. */
  volatile long blockedUntil = Long.MIN_VALUE;
  /** Events refused so far; updated through {@link #REFUSED} without the lock. */
  volatile long refused;
  /** Before this instant (epoch millis) the source may not be forgotten even when idle. */
  long forgettableAt;

  SourceState(String key, long now, double capacity) {
    this.key = key;
    this.tokens = capacity;
    this.lastRefill = now;
    this.lastSeen = now;
    this.reputation = ReputationLimiter.INITIAL_REPUTATION;
    this.cleanSince = now;
    this.windowStart = now;
  }

  void addRefused(long events) {
    REFUSED.getAndAdd(this, events);
  }

  /** Lock held: true when nothing would be lost by forgetting the source (idle, recovered, not blocked). */
  boolean forgettable(long now) {
    return now - lastSeen >= ReputationLimiter.IDLE_EVICTION_MILLIS && now >= forgettableAt;
  }

  /** Lock held: a source a fresh state would treat the same (full reputation, no backoff, not blocked). */
  boolean inGoodStanding(long now) {
    return reputation == ReputationLimiter.MAX_REPUTATION && consecutive == 0 && now >= blockedUntil;
  }

  /** Called with the lock held: a consistent picture of the source at {@code now}. */
  SourceReputation view(long now, double perSecond) {
    long until = blockedUntil;
    return new SourceReputation(key, reputation, perSecond * ReputationLimiter.rateFactor(reputation),
        violations, until > now ? Instant.ofEpochMilli(until) : null, refused);
  }
}
