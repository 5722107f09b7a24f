package io.phosor.live;

import java.time.Clock;
import java.util.List;

/**
 * Counted systematic sampling of the event stream: at most {@code perSecond} events in each clock second,
 * spread over the second by taking every k-th event, where k is the previous second's count divided by the
 * budget. Each taken event carries how many were passed over since the one before, so a client can tell
 * the real rate. Used by one thread (the pipeline's); no locks.
 */
final class EventSampler {
  /** Receives a taken event and the number of events passed over since the previous one taken. */
  interface Taker<T> {
    void take(T item, long skipped);
  }

  private final int perSecond;
  private final Clock clock;
  private long second = Long.MIN_VALUE;
  private long seenThisSecond;
  private int takenThisSecond;
  private long stride = 1;
  private long countdown;
  private long skipped;

  /** Takes at most {@code perSecond} (> 0) events per second of {@code clock}. */
  EventSampler(int perSecond, Clock clock) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("perSecond must be > 0, was " + perSecond);
    }
    this.perSecond = perSecond;
    this.clock = clock;
  }

  /** Offers {@code items} in order; hands the taken ones to {@code taker}. */
  <T> void sample(List<T> items, Taker<T> taker) {
    roll();
    for (T item : items) {
      seenThisSecond++;
      if (takenThisSecond < perSecond && --countdown <= 0) {
        takenThisSecond++;
        countdown = stride;
        long s = skipped;
        skipped = 0;
        taker.take(item, s);
      } else {
        skipped++;
      }
    }
  }

  /**
   * Counts {@code n} events that nobody wants (no client subscribed): they set the pace for the next second
   * but are not reported as skipped to the clients that come later.
   */
  void pass(int n) {
    roll();
    seenThisSecond += n;
    skipped = 0;
  }

  private void roll() {
    long now = Math.floorDiv(clock.millis(), 1000);
    if (now != second) {
      long previous = now == second + 1 ? seenThisSecond : 0;
      stride = Math.max(1, (previous + perSecond - 1) / perSecond);
      second = now;
      seenThisSecond = 0;
      takenThisSecond = 0;
      countdown = 0; // the first event of a second is always taken
    }
  }
}
