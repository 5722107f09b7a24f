package io.phosor.ingest.gelf;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The GELF listeners' own meters; per-sender counts live in {@link io.phosor.stats.SourceCounters}. */
final class GelfMetrics {
  final Counter tcpOpened;
  final Counter connectionsRejected;
  final Counter udpOversized;
  final Counter tcpOversized;
  final Counter badChunk;
  final Counter badCompression;
  final Counter tooManyPending;
  final Counter expired;
  final Counter udpDroppedQueueFull;
  final Counter tcpDroppedShutdown;
  final Counter backpressurePauses;
  final AtomicInteger activeConnections = new AtomicInteger();
  final AtomicInteger pendingMessages = new AtomicInteger();

  GelfMetrics(MeterRegistry registry) {
    tcpOpened = Counter.builder("phosor_gelf_connections_opened").description("GELF TCP connections accepted")
        .register(registry);
    connectionsRejected = Counter.builder("phosor_gelf_connections_rejected")
        .description("GELF TCP connections closed at once because the connection limit was reached").register(registry);
    udpOversized = oversized(registry, "udp");
    tcpOversized = oversized(registry, "tcp");
    badChunk = rejected(registry, "bad_chunk");
    badCompression = rejected(registry, "bad_compression");
    tooManyPending = rejected(registry, "too_many_pending");
    expired = Counter.builder("phosor_gelf_incomplete_expired")
        .description("Chunked GELF messages discarded because not all chunks arrived within 5 seconds")
        .register(registry);
    udpDroppedQueueFull = Counter.builder("phosor_gelf_dropped").tag("transport", "udp").tag("reason", "queue_full")
        .description("GELF messages dropped by the listener (UDP with a full ingest queue; TCP held at shutdown)")
        .register(registry);
    tcpDroppedShutdown = Counter.builder("phosor_gelf_dropped").tag("transport", "tcp").tag("reason", "shutdown")
        .description("GELF messages dropped by the listener (UDP with a full ingest queue; TCP held at shutdown)")
        .register(registry);
    backpressurePauses = Counter.builder("phosor_gelf_backpressure_pauses")
        .description("Times a GELF TCP connection stopped reading because the ingest queue was full").register(registry);
    Gauge.builder("phosor_gelf_chunked_pending", pendingMessages, AtomicInteger::get)
        .description("Chunked GELF messages waiting for their remaining chunks").register(registry);
    Gauge.builder("phosor_gelf_connections_active", activeConnections, AtomicInteger::get)
        .description("Open GELF TCP connections").register(registry);
  }

  private static Counter oversized(MeterRegistry registry, String transport) {
    return Counter.builder("phosor_gelf_frames_oversized").tag("transport", transport)
        .description("GELF messages skipped for exceeding gelf.max_message_bytes (after decompression or reassembly)")
        .register(registry);
  }

  private static Counter rejected(MeterRegistry registry, String reason) {
    return Counter.builder("phosor_gelf_rejected").tag("reason", reason)
        .description("GELF datagrams refused: malformed chunk header, undecodable compression, too many incomplete "
            + "messages").register(registry);
  }
}
