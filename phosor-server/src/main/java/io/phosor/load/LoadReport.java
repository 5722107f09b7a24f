package io.phosor.load;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What a load run did. Every sent event ends up in exactly one of accepted, refused or errors.
 *
 * @param protocol how the events travelled
 * @param target where they went ({@link LoadOptions#target()})
 * @param runId the {@code run=} / {@code load_run} value stamped on every event of this run
 * @param sent events sent (sequence numbers 1 to {@code sent})
 * @param accepted events answered with HTTP 2xx, or written to the socket for UDP/TCP
 * @param refused events answered with HTTP 429 or 503
 * @param errors events lost to other HTTP statuses, timeouts or I/O failures
 * @param eventsByStatus HTTP status to number of events answered with it (empty for UDP/TCP)
 * @param elapsed from the first send to the last answer
 * @param firstError the first failure, for the operator, or null when there was none
 * @param markers alerts and event-to-alert latency measured with marker events, or null when the run had none
 */
public record LoadReport(LoadOptions.Protocol protocol, String target, String runId, long sent, long accepted,
    long refused, long errors, Map<Integer, Long> eventsByStatus, Duration elapsed, String firstError,
    MarkerReport markers) {

  /** A report without markers. */
  public LoadReport(LoadOptions.Protocol protocol, String target, String runId, long sent, long accepted,
      long refused, long errors, Map<Integer, Long> eventsByStatus, Duration elapsed, String firstError) {
    this(protocol, target, runId, sent, accepted, refused, errors, eventsByStatus, elapsed, firstError, null);
  }

  /** A copy with the marker figures. */
  public LoadReport withMarkers(MarkerReport m) {
    return new LoadReport(protocol, target, runId, sent, accepted, refused, errors, eventsByStatus, elapsed,
        firstError, m);
  }

  /** Copies the map so the report cannot change afterwards. */
  public LoadReport {
    eventsByStatus = Map.copyOf(eventsByStatus);
  }

  /** Events sent per second over the run. */
  public double achievedPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : sent / seconds;
  }

  /** The report as one JSON object, for scripts and benchmarks. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"protocol\":\"").append(protocol.name().toLowerCase(Locale.ROOT)).append("\",\"target\":");
    Json.quote(sb, target).append(",\"run_id\":");
    Json.quote(sb, runId).append(",\"sent\":").append(sent).append(",\"accepted\":").append(accepted)
        .append(",\"refused\":").append(refused).append(",\"errors\":").append(errors)
        .append(",\"events_by_status\":{");
    String sep = "";
    for (var e : new java.util.TreeMap<>(eventsByStatus).entrySet()) {
      sb.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
      sep = ",";
    }
    sb.append("},\"elapsed_seconds\":").append(String.format(Locale.ROOT, "%.3f", elapsed.toNanos() / 1e9))
        .append(",\"events_per_second\":").append(String.format(Locale.ROOT, "%.1f", achievedPerSecond()))
        .append(",\"first_error\":");
    if (firstError == null) {
      sb.append("null");
    } else {
      Json.quote(sb, firstError);
    }
    if (markers != null) {
      sb.append(",\"markers\":").append(markers.toJson());
    }
    return sb.append('}').toString();
  }

  /** A one-line human summary (and a second line with the markers' figures, when the run had markers). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "sent %,d events to %s in %.3f s (%,.0f events/s): %,d accepted, %,d refused",
        sent, target, elapsed.toNanos() / 1e9, achievedPerSecond(), accepted, refused));
    if (!eventsByStatus.isEmpty()) {
      sb.append(" ").append(new java.util.TreeMap<>(eventsByStatus));
    }
    sb.append(String.format(Locale.ROOT, ", %,d errors", errors));
    if (firstError != null) {
      sb.append(" (first: ").append(firstError).append(')');
    }
    sb.append("; run ").append(runId);
    if (markers != null) {
      sb.append(System.lineSeparator()).append(markers);
    }
    return sb.toString();
  }
}
