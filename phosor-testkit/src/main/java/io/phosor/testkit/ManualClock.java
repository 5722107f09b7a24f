package io.phosor.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when a test advances it, so no test ever sleeps. Thread-safe. */
public final class ManualClock extends Clock {
  private volatile Instant now;
  private final ZoneId zone;

  /** Starts at {@code start}, in UTC. */
  public ManualClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  private ManualClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** Moves the clock forward (or backward, for a negative duration). */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /** Sets the clock to an instant. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ManualClock(now, zone);
  }

  @Override
  public Instant instant() {
    return now;
  }
}
