package io.phosor.load;

/**
 * Latencies in whole milliseconds, one bucket per millisecond up to {@link #MAX_TRACKED_MS} (larger values
 * share the last bucket, the maximum stays exact): fixed memory however long the run. Not thread-safe.
 */
final class LatencyHistogram {
  /** Latencies up to a minute are kept to the millisecond. */
  static final int MAX_TRACKED_MS = 60_000;

  private final long[] counts = new long[MAX_TRACKED_MS + 1];
  private long n;
  private long sum;
  private long max = -1;
  private long negative;

  /** Adds one latency; a negative one (receiver's clock behind the sender's) counts as 0 and is counted apart. */
  void record(long millis) {
    if (millis < 0) {
      negative++;
      millis = 0;
    }
    counts[(int) Math.min(millis, MAX_TRACKED_MS)]++;
    n++;
    sum += millis;
    max = Math.max(max, millis);
  }

  long count() {
    return n;
  }

  /** Latencies that came out negative (clocks not in sync), recorded as 0. */
  long negative() {
    return negative;
  }

  /** The largest latency, or -1 when empty. */
  long max() {
    return max;
  }

  /** The mean, or -1 when empty. */
  double mean() {
    return n == 0 ? -1 : (double) sum / n;
  }

  /**
   * The nearest-rank percentile (the smallest recorded value with at least {@code p} of all values at or below
   * it), or -1 when empty. {@code p} in (0, 1].
   */
  long percentile(double p) {
    if (n == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(p * n));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return i == MAX_TRACKED_MS ? max : i;
      }
    }
    return max;
  }
}
