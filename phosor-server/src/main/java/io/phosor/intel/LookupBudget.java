package io.phosor.intel;

import java.time.Clock;

/**
 * At most {@code perMinute} remote look-ups in any 60 seconds of the injected clock, all services together.
 * A sliding-window log (the times of the last {@code perMinute} look-ups in a ring): stricter than a token
 * bucket, which lets twice its rate through in a minute that starts with a full bucket, and still O(1).
 */
final class LookupBudget {
  private static final long WINDOW_MILLIS = 60_000;
  private final long[] times;
  private final Clock clock;
  private int next;
  private int used;

  LookupBudget(int perMinute, Clock clock) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("lookups per minute must be >= 1, was " + perMinute);
    }
    this.times = new long[perMinute];
    this.clock = clock;
  }

  /** Takes one look-up if the last minute has room for it. */
  synchronized boolean tryAcquire() {
    long now = clock.millis();
    if (used == times.length && now - times[next] < WINDOW_MILLIS) {
      return false;
    }
    times[next] = now;
    next = (next + 1) % times.length;
    used = Math.min(used + 1, times.length);
    return true;
  }

  /** Look-ups still allowed right now. */
  synchronized int remaining() {
    long now = clock.millis();
    int inWindow = 0;
    for (int i = 0; i < used; i++) {
      if (now - times[i] < WINDOW_MILLIS) {
        inWindow++;
      }
    }
    return times.length - inWindow;
  }

  /** The limit per minute. */
  int perMinute() {
    return times.length;
  }
}
