package io.phosor.load;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Generates load against a Phosor server: realistic syslog/JSON events over UDP, TCP, the webhook or the
 * Splunk HEC endpoint, at a chosen rate, for a duration or a count (the {@code phosor load} command).
 *
 * <p>Pacing is open-loop per batch: batch k leaves no earlier than {@code start + k*batch/rate}, waiting
 * with {@link LockSupport#parkNanos} (no busy spin); a sender that falls behind catches up at full speed.
 * Every event carries {@code run=<id> seq=<n> sent_ns=<epoch ns>} so lost and late events can be found. With a
 * {@link MarkerProbe}, every {@link LoadOptions#markerEvery()}-th event is a marker whose alert gives the
 * event-to-alert latency.
 */
public final class LoadTool {
  private final Clock wall;
  private final LongSupplier nanoTime;
  private final LongConsumer park;
  private final MarkerProbe probe;
  /** Events handed to the transport so far (read by the progress thread). */
  private volatile long sentSoFar;

  LoadTool(Clock wall, LongSupplier nanoTime, LongConsumer park) {
    this(wall, nanoTime, park, null);
  }

  private LoadTool(Clock wall, LongSupplier nanoTime, LongConsumer park, MarkerProbe probe) {
    this.wall = wall;
    this.nanoTime = nanoTime;
    this.park = park;
    this.probe = probe;
  }

  /** Runs one load test and reports what happened; returns early (with a partial report) when interrupted. */
  public static LoadReport run(LoadOptions options) {
    return new LoadTool(Clock.systemUTC(), System::nanoTime, LockSupport::parkNanos).execute(options);
  }

  /**
   * Runs one load test with latency markers: every {@link LoadOptions#markerEvery()}-th event is a marker that
   * {@code probe} tracks; after sending, waits up to {@code markerWait} for the markers' alerts. With
   * {@code progressEvery} set, writes one {@code progress ...} line per interval to {@code progress} (sent,
   * accepted, the interval's rate and the interval's marker latencies).
   *
   * @param probe an open probe (the caller closes it), or null for no markers
   * @param progressEvery null for no progress lines
   */
  public static LoadReport run(LoadOptions options, MarkerProbe probe, Duration markerWait, Duration progressEvery,
      Consumer<String> progress) {
    LoadTool tool = new LoadTool(Clock.systemUTC(), System::nanoTime, LockSupport::parkNanos, probe);
    ScheduledExecutorService ticker = null;
    Tally tally = new Tally();
    if (progressEvery != null) {
      ticker = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("phosor-load-progress").daemon().factory());
      long start = System.nanoTime();
      long[] lastSent = {0};
      long every = progressEvery.toMillis();
      ticker.scheduleAtFixedRate(() -> progress.accept(tool.progressLine(start, every, lastSent, tally)), every, every,
          TimeUnit.MILLISECONDS);
    }
    try {
      LoadReport r = tool.execute(options, tally);
      if (probe == null) {
        return r;
      }
      try {
        probe.awaitMarkers(markerWait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return r.withMarkers(probe.report());
    } finally {
      if (ticker != null) {
        ticker.shutdownNow();
      }
    }
  }

  private String progressLine(long start, long everyMillis, long[] lastSent, Tally tally) {
    long sent = sentSoFar;
    double interval = (sent - lastSent[0]) * 1000.0 / everyMillis;
    lastSent[0] = sent;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "progress elapsed_s=%.1f sent=%d accepted=%d refused=%d errors=%d rate=%.0f",
        (System.nanoTime() - start) / 1e9, sent, tally.accepted.sum(), tally.refused.sum(), tally.errors.sum(),
        interval));
    if (probe != null) {
      MarkerReport m = probe.takeInterval();
      sb.append(String.format(Locale.ROOT, " markers_sent=%d markers_received=%d alerts_total=%d p50_ms=%d p99_ms=%d"
          + " max_ms=%d", m.sent(), m.received(), m.alertsTotal(), m.p50(), m.p99(), m.max()));
    }
    return sb.toString();
  }

  LoadReport execute(LoadOptions o) {
    return execute(o, new Tally());
  }

  private LoadReport execute(LoadOptions o, Tally tally) {
    Transport transport;
    try {
      transport = switch (o.protocol()) {
        case UDP -> new UdpTransport(o.host(), o.port(), tally, false);
        case TCP -> new TcpTransport(o.host(), o.port(), o.timeout(), tally, false);
        case GELF_UDP -> new UdpTransport(o.host(), o.port(), tally, true);
        case GELF_TCP -> new TcpTransport(o.host(), o.port(), o.timeout(), tally, true);
        case HTTP, HEC -> new HttpTransport(o, tally);
      };
    } catch (IOException e) {
      tally.failed(0, e);
      return report(o, newRunId(o), 0, Duration.ZERO, tally);
    }
    return drive(o, transport, tally);
  }

  /** The send loop, with any transport; separate so tests can check pacing with a fake one. */
  LoadReport drive(LoadOptions o, Transport transport, Tally tally) {
    String runId = newRunId(o);
    EventGenerator generator = new EventGenerator(o.seed(), wall, runId);
    long start = nanoTime.getAsLong();
    long end = o.duration() == null ? Long.MAX_VALUE : start + o.duration().toNanos();
    double nanosPerEvent = o.eventsPerSecond() == 0 ? 0 : 1e9 / o.eventsPerSecond();
    long sent = 0;
    try (transport) {
      while (o.count() == 0 || sent < o.count()) {
        long due = start + (long) (sent * nanosPerEvent);
        if (!waitUntil(Math.min(due, end)) || nanoTime.getAsLong() >= end) {
          break;
        }
        int n = (int) (o.count() == 0 ? o.batchSize() : Math.min(o.batchSize(), o.count() - sent));
        List<SampleEvent> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long seq = sent + i + 1;
          boolean marker = o.isMarker(seq);
          SampleEvent e = generator.next(seq, marker);
          if (marker && probe != null) {
            probe.markerSent(e.sentMillis());
          }
          batch.add(e);
        }
        sent += n;
        sentSoFar = sent;
        if (!transport.send(batch)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return report(o, runId, sent, Duration.ofNanos(nanoTime.getAsLong() - start), tally);
  }

  /** Parks until {@code deadline} (nanoTime); false when interrupted. */
  private boolean waitUntil(long deadline) {
    for (long left = deadline - nanoTime.getAsLong(); left > 0; left = deadline - nanoTime.getAsLong()) {
      park.accept(left);
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
    return !Thread.currentThread().isInterrupted();
  }

  private static LoadReport report(LoadOptions o, String runId, long sent, Duration elapsed, Tally tally) {
    return new LoadReport(o.protocol(), o.target(), runId, sent, tally.accepted.sum(), tally.refused.sum(),
        tally.errors.sum(), tally.byStatus(), elapsed, tally.firstError());
  }

  /** 8 hex digits from the seed and the wall clock: distinct across runs, stable within one. */
  private String newRunId(LoadOptions o) {
    long mixed = (o.seed() * 0x9E3779B97F4A7C15L) ^ wall.millis();
    return HexFormat.of().toHexDigits((int) (mixed ^ (mixed >>> 32)));
  }
}
