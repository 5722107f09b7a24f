package io.phosor.ratelimit;

import java.time.Duration;

/**
 * The limiter's answer for a batch of events from one source.
 *
 * @param allowed true when the events may pass
 * @param retryAfter when refused, how long until the source may try again (HTTP Retry-After)
 */
public record Decision(boolean allowed, Duration retryAfter) {
  /** The shared "allowed" answer. */
  public static final Decision ALLOW = new Decision(true, Duration.ZERO);

  /** The HTTP {@code Retry-After} value: {@link #retryAfter} in whole seconds, rounded up (RFC 9110 10.2.3). */
  public long retryAfterSeconds() {
    long millis = retryAfter.toMillis();
    return (millis + 999) / 1000;
  }
}
