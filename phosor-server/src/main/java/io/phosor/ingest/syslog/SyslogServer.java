package io.phosor.ingest.syslog;

import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.config.PhosorConfig;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.stats.SourceStats;
import java.time.Clock;

/** Syslog listeners: UDP and TCP on one port, TLS on another (RFC 5424/5425/5426/6587). STUB. */
public final class SyslogServer implements AutoCloseable {
  /** Creates the listeners; {@link #start()} binds them. */
  public SyslogServer(PhosorConfig config, Pipeline pipeline, SourceStats stats, ReputationLimiter limiter,
      MeterRegistry registry, Clock clock) {}

  /** Binds UDP and TCP on the syslog port, and TLS when configured. */
  public void start() throws InterruptedException {}

  /** The bound UDP port, or -1. */
  public int udpPort() {
    return -1;
  }

  /** The bound TCP port, or -1. */
  public int tcpPort() {
    return -1;
  }

  /** The bound TLS port, or -1. */
  public int tlsPort() {
    return -1;
  }

  /** Stops accepting: closes the listening sockets and open connections. */
  @Override
  public void close() {}
}
