package io.phosor.load;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@link LoadTool} sends, where, how fast and for how long. The run stops at {@code count} events or
 * after {@code duration}, whichever comes first (0 / null for "no limit"; one of them must be set).
 *
 * @param protocol how events travel
 * @param host target host name or address
 * @param port target port (syslog or HTTP)
 * @param eventsPerSecond target rate; 0 sends as fast as the target accepts
 * @param duration how long to send, or null for no time limit
 * @param count how many events to send, or 0 for no count limit
 * @param batchSize events per HTTP request; for UDP/TCP, events written per pacing step
 * @param source the {source} of {@code /api/webhook/{source}} (HTTP only)
 * @param token ingest token for the Authorization header (HTTP/HEC), or null to send none
 * @param concurrency HTTP requests in flight at once (ignored for UDP/TCP)
 * @param seed seed of the random event mix, so a run can be repeated exactly
 * @param timeout connect and request timeout
 * @param markerEvery every this many events one is a latency marker ({@link MarkerProbe}); 0 = no markers
 */
public record LoadOptions(Protocol protocol, String host, int port, double eventsPerSecond, Duration duration,
    long count, int batchSize, String source, String token, int concurrency, long seed, Duration timeout,
    long markerEvery) {

  /** How events travel to Phosor. */
  public enum Protocol {
    /** Syslog over UDP, one message per datagram (RFC 5426). */
    UDP,
    /** Syslog over TCP with octet-counting framing (RFC 6587 section 3.4.1). */
    TCP,
    /** NDJSON batches to {@code POST /api/webhook/{source}} with {@code Authorization: Bearer}. */
    HTTP,
    /** Splunk HTTP Event Collector batches to {@code /services/collector/event} with {@code Authorization: Splunk}. */
    HEC,
    /** GELF 1.1 over UDP: one uncompressed JSON message per datagram. */
    GELF_UDP,
    /** GELF 1.1 over TCP: JSON messages each ended by a NUL byte. */
    GELF_TCP
  }

  /** Largest batch: keeps one HTTP body to a few tens of MB. */
  public static final int MAX_BATCH = 100_000;
  /** More parallel requests than this measures the client, not the server. */
  public static final int MAX_CONCURRENCY = 256;
  private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Validates every field with a message a user can act on. */
  public LoadOptions {
    Objects.requireNonNull(protocol, "protocol");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
    if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException("rate must be >= 0 events/s (0 = as fast as possible), was " + eventsPerSecond);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("duration must be positive, was " + duration);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    if (count == 0 && duration == null) {
      throw new IllegalArgumentException("give a count or a duration, otherwise the run never ends");
    }
    if (batchSize < 1 || batchSize > MAX_BATCH) {
      throw new IllegalArgumentException("batch size must be 1-" + MAX_BATCH + ", was " + batchSize);
    }
    if (source == null || !SOURCE.matcher(source).matches()) {
      throw new IllegalArgumentException("source must be 1-64 letters, digits, '.', '_' or '-', was " + source);
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException("concurrency must be 1-" + MAX_CONCURRENCY + ", was " + concurrency);
    }
    if (markerEvery < 0) {
      throw new IllegalArgumentException("marker interval must be >= 0 (0 = no markers), was " + markerEvery);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** Defaults: 10,000 events, as fast as possible, batches of 100, source "load", one request in flight. */
  public static LoadOptions of(Protocol protocol, String host, int port) {
    return new LoadOptions(protocol, host, port, 0, null, 10_000, 100, "load", null, 1, 1L, Duration.ofSeconds(10),
        0);
  }

  /** A copy with another rate in events/s (0 = as fast as possible). */
  public LoadOptions withRate(double perSecond) {
    return new LoadOptions(protocol, host, port, perSecond, duration, count, batchSize, source, token, concurrency,
        seed, timeout, markerEvery);
  }

  /** A copy that stops after {@code duration} (null: no time limit). */
  public LoadOptions withDuration(Duration duration) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy that stops after {@code count} events (0: no count limit). */
  public LoadOptions withCount(long count) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy with another batch size. */
  public LoadOptions withBatchSize(int batchSize) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy with another webhook source name. */
  public LoadOptions withSource(String source) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy with another ingest token. */
  public LoadOptions withToken(String token) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy with another number of HTTP requests in flight. */
  public LoadOptions withConcurrency(int concurrency) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy with another random seed. */
  public LoadOptions withSeed(long seed) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy with another connect/request timeout. */
  public LoadOptions withTimeout(Duration timeout) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, markerEvery);
  }

  /** A copy in which every {@code n}-th event is a latency marker (0: none). */
  public LoadOptions withMarkerEvery(long n) {
    return new LoadOptions(protocol, host, port, eventsPerSecond, duration, count, batchSize, source, token,
        concurrency, seed, timeout, n);
  }

  /** Whether event {@code seq} (1-based) is a latency marker. */
  public boolean isMarker(long seq) {
    return markerEvery > 0 && seq % markerEvery == 0;
  }

  /** Where the events go, as a URI-like string: {@code udp://h:p}, {@code tcp://h:p} or the HTTP URL. */
  public String target() {
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return switch (protocol) {
      case UDP -> "udp://" + h + ":" + port;
      case TCP -> "tcp://" + h + ":" + port;
      case HTTP -> "http://" + h + ":" + port + "/api/webhook/" + source;
      case HEC -> "http://" + h + ":" + port + "/services/collector/event";
      case GELF_UDP -> "gelf+udp://" + h + ":" + port;
      case GELF_TCP -> "gelf+tcp://" + h + ":" + port;
    };
  }
}
