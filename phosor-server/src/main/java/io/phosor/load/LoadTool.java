package io.phosor.load;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Generates load against a Phosor server: realistic syslog/JSON events over UDP, TCP, the webhook or the
 * Splunk HEC endpoint, at a chosen rate, for a duration or a count (the {@code phosor load} command).
 *
 * <p>Pacing is open-loop per batch: batch k leaves no earlier than {@code start + k*batch/rate}, waiting
 * with {@link LockSupport#parkNanos} (no busy spin); a sender that falls behind catches up at full speed.
 * Every event carries {@code run=<id> seq=<n> sent_ns=<epoch ns>} so lost and late events can be found.
 */
public final class LoadTool {
  private final Clock wall;
  private final LongSupplier nanoTime;
  private final LongConsumer park;

  LoadTool(Clock wall, LongSupplier nanoTime, LongConsumer park) {
    this.wall = wall;
    this.nanoTime = nanoTime;
    this.park = park;
  }

  /** Runs one load test and reports what happened; returns early (with a partial report) when interrupted. */
  public static LoadReport run(LoadOptions options) {
    return new LoadTool(Clock.systemUTC(), System::nanoTime, LockSupport::parkNanos).execute(options);
  }

  LoadReport execute(LoadOptions o) {
    Tally tally = new Tally();
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
          batch.add(generator.next(sent + i + 1));
        }
        sent += n;
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
