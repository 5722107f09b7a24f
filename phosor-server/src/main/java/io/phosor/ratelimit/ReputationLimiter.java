package io.phosor.ratelimit;

import java.time.Clock;

/**
 * Adaptive per-source rate limiting (SPEC section 4): STUB, to be replaced by the real limiter.
 */
public final class ReputationLimiter {
  private final double perSecond;
  private final double burst;
  private final Clock clock;

  /** {@code perSecond} is the rate of a source with reputation 100 (0 disables limiting). */
  public ReputationLimiter(double perSecond, double burst, Clock clock) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
  }

  /** Asks to let {@code events} events from source {@code key} through. */
  public Decision tryAcquire(String key, int events) {
    return Decision.ALLOW;
  }

  /** What the limiter knows about {@code key}, or null when it has never seen it. */
  public SourceReputation reputation(String key) {
    return null;
  }
}
