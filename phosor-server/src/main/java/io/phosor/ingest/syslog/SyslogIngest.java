package io.phosor.ingest.syslog;

import io.phosor.pipeline.Inbound;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every syslog listener does with a frame before it is queued: count it for its sender, ask the
 * rate limiter, and wrap it for the pipeline. Shared by the UDP, TCP and TLS handlers.
 */
final class SyslogIngest {
  /** The source name every syslog event carries. */
  static final String SOURCE = "syslog";

  final Pipeline pipeline;
  final SyslogMetrics metrics;
  private final SourceStats stats;
  private final ReputationLimiter limiter;
  private final Clock clock;
  /** Stream handlers holding frames the pipeline has not taken yet (to count them if we shut down first). */
  final Set<SyslogStreamHandler> backlogged = ConcurrentHashMap.newKeySet();

  SyslogIngest(Pipeline pipeline, SourceStats stats, ReputationLimiter limiter, SyslogMetrics metrics, Clock clock) {
    this.pipeline = pipeline;
    this.stats = stats;
    this.limiter = limiter;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The per-sender counters, under "syslog:{ip}". */
  SourceCounters counters(String address) {
    return stats.source(SOURCE, SOURCE + ":" + address);
  }

  /** Counts a received frame and returns it ready to queue, or null when the rate limiter refused it. */
  Inbound admit(String address, SourceCounters counters, String text) {
    counters.received(1, clock.millis());
    if (!limiter.tryAcquire(address, 1).allowed()) {
      counters.rateLimited(1);
      return null;
    }
    return Inbound.text(SOURCE, address, counters, text, clock.instant());
  }

  /** The IP address of a peer as text ("10.0.0.5", "2001:db8::1"). */
  static String address(SocketAddress peer) {
    if (peer instanceof InetSocketAddress isa && isa.getAddress() != null) {
      return isa.getAddress().getHostAddress();
    }
    return String.valueOf(peer);
  }
}
