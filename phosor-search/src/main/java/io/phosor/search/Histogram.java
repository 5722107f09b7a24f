package io.phosor.search;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Counts of matching events per event-time interval, for charts. Buckets are aligned to multiples of the
 * interval since the epoch (UTC), in time order, including empty ones; the first may start before
 * {@code from} and only events in {@code [from, to)} are counted.
 *
 * @param from first event time counted
 * @param to first event time not counted
 * @param interval width of every bucket
 * @param buckets the buckets, oldest first
 * @param total the sum of the counts
 */
public record Histogram(Instant from, Instant to, Duration interval, List<Bucket> buckets, long total) {
  /** Copies the list. */
  public Histogram {
    buckets = List.copyOf(buckets);
  }

  /**
   * One bucket.
   *
   * @param start the bucket's first instant (it ends at start + interval)
   * @param count matching events in it
   */
  public record Bucket(Instant start, long count) {}
}
