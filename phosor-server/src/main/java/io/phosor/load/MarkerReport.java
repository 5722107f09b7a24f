package io.phosor.load;

import java.util.Locale;

/**
 * Alerts and event-to-alert latency of a load run, measured with marker events ({@link MarkerProbe}). Latency is
 * the time the marker's alert arrived on {@code /ws/events} minus its {@code last_seen}, which is the marker's
 * own event time: the sender's clock when it was sent, to the millisecond. Latencies are in milliseconds, -1
 * when no marker alert arrived.
 *
 * @param every every this many events one was a marker
 * @param sent markers sent
 * @param received marker alerts received that match a marker of this run
 * @param unmatched marker-rule alerts that matched no marker of this run (an earlier run's, or a duplicate)
 * @param alertsTotal every alert the live feed announced from connecting until the end of the wait
 * @param feedDropped alerts (and other messages) the server dropped for this client because it read too slowly
 * @param negative latencies that came out negative (sender's and receiver's clocks differ), counted as 0
 * @param p50 median latency
 * @param p99 99th percentile latency
 * @param max largest latency
 * @param mean mean latency
 */
public record MarkerReport(long every, long sent, long received, long unmatched, long alertsTotal, long feedDropped,
    long negative, long p50, long p99, long max, double mean) {

  /** Markers sent whose alert did not arrive within the wait. */
  public long missing() {
    return Math.max(0, sent - received);
  }

  static MarkerReport of(long every, long sent, long received, long unmatched, long alertsTotal, long feedDropped,
      LatencyHistogram h) {
    return new MarkerReport(every, sent, received, unmatched, alertsTotal, feedDropped, h.negative(),
        h.percentile(0.50), h.percentile(0.99), h.max(), h.mean());
  }

  /** The report as a JSON object (the {@code markers} member of the load report). */
  String toJson() {
    return String.format(Locale.ROOT, "{\"every\":%d,\"sent\":%d,\"alerts_received\":%d,\"missing\":%d,"
        + "\"unmatched\":%d,\"alerts_total\":%d,\"feed_dropped\":%d,\"negative_latencies\":%d,"
        + "\"latency_ms\":{\"p50\":%d,\"p99\":%d,\"max\":%d,\"mean\":%.1f}}", every, sent, received, missing(),
        unmatched, alertsTotal, feedDropped, negative, p50, p99, max, mean);
  }

  /** One line for people. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "markers (every %,d events): %,d sent, %,d alerts received, %,d missing; alerts raised in total: %,d",
        every, sent, received, missing(), alertsTotal));
    if (received > 0) {
      sb.append(String.format(Locale.ROOT, "; event-to-alert latency p50 %d ms, p99 %d ms, max %d ms (mean %.1f)",
          p50, p99, max, mean));
    }
    if (unmatched > 0) {
      sb.append(String.format(Locale.ROOT, "; %,d marker alerts of other runs ignored", unmatched));
    }
    if (feedDropped > 0) {
      sb.append(String.format(Locale.ROOT, "; the live feed dropped %,d messages for this client", feedDropped));
    }
    if (negative > 0) {
      sb.append(String.format(Locale.ROOT, "; %,d negative latencies: are the clocks in sync?", negative));
    }
    return sb.toString();
  }
}
