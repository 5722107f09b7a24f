package io.phosor.ingest.net;

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
 * What every socket listener (syslog, GELF) does with a message before it is queued: count it for its sender,
 * ask the per-source rate limiter, and wrap it for the pipeline. Shared by the UDP, TCP and TLS handlers of
 * each listener; {@link StreamIngestHandler} adds the TCP backpressure.
 */
public final class SocketIngest {
  private final String source;
  private final String rateKeyPrefix;
  private final Pipeline pipeline;
  private final SourceStats stats;
  private final ReputationLimiter limiter;
  private final Clock clock;
  /** Stream handlers holding messages the pipeline has not taken yet (to count them if we shut down first). */
  final Set<StreamIngestHandler> backlogged = ConcurrentHashMap.newKeySet();

  /**
   * {@code source} is the name events carry ("syslog", "gelf") and the kind of their per-sender counters
   * ("{source}:{ip}"); the rate limiter's key is {@code rateKeyPrefix + ip}.
   */
  public SocketIngest(String source, String rateKeyPrefix, Pipeline pipeline, SourceStats stats,
      ReputationLimiter limiter, Clock clock) {
    this.source = source;
    this.rateKeyPrefix = rateKeyPrefix;
    this.pipeline = pipeline;
    this.stats = stats;
    this.limiter = limiter;
    this.clock = clock;
  }

  /** The pipeline messages go to. */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** The clock messages are stamped with. */
  public Clock clock() {
    return clock;
  }

  /** The per-sender counters, under "{source}:{ip}". */
  public SourceCounters counters(String address) {
    return stats.source(source, source + ":" + address);
  }

  /** Counts a received message and returns it ready to queue, or null when the rate limiter refused it. */
  public Inbound admit(String address, SourceCounters counters, String text) {
    return acquire(address, counters) ? wrap(address, counters, text) : null;
  }

  /**
   * Counts a received message and asks the rate limiter; false (counted as rate-limited) when it refused. For
   * listeners that decode after admission (GELF decompresses only what the limiter let through).
   */
  public boolean acquire(String address, SourceCounters counters) {
    counters.received(1, clock.millis());
    if (!limiter.tryAcquire(rateKeyPrefix.isEmpty() ? address : rateKeyPrefix + address, 1).allowed()) {
      counters.rateLimited(1);
      return false;
    }
    return true;
  }

  /** Wraps an admitted message for the pipeline. */
  public Inbound wrap(String address, SourceCounters counters, String text) {
    return Inbound.text(source, address, counters, text, clock.instant());
  }

  /**
   * Counts the messages stream handlers still held as dropped and forgets them; returns how many. Call only once
   * the event loops have stopped (at shutdown, after the pipeline stopped taking them).
   */
  public int dropBacklog() {
    int lost = 0;
    for (StreamIngestHandler h : backlogged) {
      lost += h.dropPending();
    }
    backlogged.clear();
    return lost;
  }

  /** The IP address of a peer as text ("10.0.0.5", "2001:db8::1"). */
  public static String address(SocketAddress peer) {
    if (peer instanceof InetSocketAddress isa && isa.getAddress() != null) {
      return isa.getAddress().getHostAddress();
    }
    return String.valueOf(peer);
  }
}
