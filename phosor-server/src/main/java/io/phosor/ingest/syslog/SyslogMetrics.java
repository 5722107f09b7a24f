package io.phosor.ingest.syslog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The syslog listeners' own meters; per-sender counts live in {@link io.phosor.stats.SourceCounters}. */
final class SyslogMetrics {
  final Counter tcpOpened;
  final Counter tlsOpened;
  final Counter connectionsRejected;
  final Counter tlsHandshakeFailures;
  final Counter udpOversized;
  final Counter tcpOversized;
  final Counter tlsOversized;
  final Counter udpDroppedQueueFull;
  final Counter streamDroppedShutdown;
  final Counter backpressurePauses;
  final AtomicInteger activeConnections = new AtomicInteger();

  SyslogMetrics(MeterRegistry registry) {
    tcpOpened = opened(registry, "tcp");
    tlsOpened = opened(registry, "tls");
    connectionsRejected = Counter.builder("phosor_syslog_connections_rejected")
        .description("TCP/TLS syslog connections closed at once because the connection limit was reached")
        .register(registry);
    tlsHandshakeFailures = Counter.builder("phosor_syslog_tls_handshake_failures")
        .description("Syslog TLS connections closed because the handshake failed").register(registry);
    udpOversized = oversized(registry, "udp");
    tcpOversized = oversized(registry, "tcp");
    tlsOversized = oversized(registry, "tls");
    udpDroppedQueueFull = Counter.builder("phosor_syslog_dropped").tag("transport", "udp").tag("reason", "queue_full")
        .description("Syslog messages dropped by the listener (only UDP drops when the ingest queue is full)")
        .register(registry);
    streamDroppedShutdown = Counter.builder("phosor_syslog_dropped").tag("transport", "stream")
        .tag("reason", "shutdown")
        .description("Syslog messages dropped by the listener (only UDP drops when the ingest queue is full)")
        .register(registry);
    backpressurePauses = Counter.builder("phosor_syslog_backpressure_pauses")
        .description("Times a TCP/TLS syslog connection stopped reading because the ingest queue was full")
        .register(registry);
    Gauge.builder("phosor_syslog_connections_active", activeConnections, AtomicInteger::get)
        .description("Open TCP/TLS syslog connections").register(registry);
  }

  private static Counter opened(MeterRegistry registry, String transport) {
    return Counter.builder("phosor_syslog_connections_opened").tag("transport", transport)
        .description("Syslog connections accepted").register(registry);
  }

  private static Counter oversized(MeterRegistry registry, String transport) {
    return Counter.builder("phosor_syslog_frames_oversized").tag("transport", transport)
        .description("Syslog frames or datagrams skipped for exceeding syslog.max_frame_bytes").register(registry);
  }
}
