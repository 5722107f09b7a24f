package io.phosor.cli;

import io.phosor.load.LoadOptions;
import io.phosor.load.MarkerProbe;
import io.phosor.load.LoadReport;
import io.phosor.load.LoadTool;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code phosor load}: sends syslog or HTTP events at a chosen rate and reports what was accepted, and with the API
 * token the alerts raised and the event-to-alert latency of marker events ({@link MarkerProbe}).
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Send events to a Phosor server (or any syslog/HEC receiver) at a fixed rate and report "
        + "accepted, refused and dropped counts; with --api-token-file also alerts raised and event-to-alert latency "
        + "(p50/p99/max) measured with marker events.")
final class LoadCommand implements Callable<Integer> {
  @Option(names = "--protocol", defaultValue = "tcp", description = "udp, tcp (octet-counted syslog), http (webhook NDJSON), hec, gelf_udp or gelf_tcp. "
      + "Default: ${DEFAULT-VALUE}.")
  LoadOptions.Protocol protocol;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Target host. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", description = "Target port (default: 5140 for syslog, 12201 for GELF, 8000 for http/hec).")
  Integer port;

  @Option(names = "--rate", defaultValue = "0", description = "Events per second; 0 = as fast as the target takes them.")
  double rate;

  @Option(names = "--count", defaultValue = "0", description = "Events to send (0 = no count limit; then --duration is required).")
  long count;

  @Option(names = "--duration", defaultValue = "0", description = "Seconds to send for (0 = no time limit).")
  long durationSeconds;

  @Option(names = "--batch", defaultValue = "100", description = "Events per HTTP request / per pacing step. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--concurrency", defaultValue = "4", description = "HTTP requests in flight. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--source", defaultValue = "load", description = "Webhook source name (http). Default: ${DEFAULT-VALUE}.")
  String source;

  @Option(names = "--token-file", description = "File holding the ingest token (http/hec), e.g. data/secrets/ingest.token.")
  java.nio.file.Path tokenFile;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the event mix. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(names = "--api-token-file", description = "API token file (e.g. data/secrets/api.token): also report the "
      + "server's own counts (journaled, rate-limited, dropped, refused) from /api/stats before and after the run.")
  java.nio.file.Path apiTokenFile;

  @Option(names = "--stats-port", defaultValue = "8000", description = "HTTP port of the server for /api/stats, "
      + "the marker rule and /ws/events. Default: ${DEFAULT-VALUE}.")
  int statsPort;

  @Option(names = "--marker-every", description = "Every N-th event is a latency marker with a millisecond send "
      + "time as its event time; its alert, read from /ws/events, gives the event-to-alert latency (p50/p99/max). "
      + "Needs --api-token-file and the same clock as the server (run on the server's host or with synced clocks). "
      + "Default: 1000 with --api-token-file, else none; 0 turns markers off.")
  Long markerEvery;

  @Option(names = "--marker-wait", defaultValue = "30", description = "Seconds to wait after sending for the "
      + "markers' alerts. Default: ${DEFAULT-VALUE}.")
  long markerWaitSeconds;

  @Option(names = "--progress", defaultValue = "0", description = "Every this many seconds print a 'progress' line "
      + "to stderr: sent, accepted, the interval's rate and marker latencies (0 = none).")
  long progressSeconds;

  @Override
  public Integer call() throws Exception {
    if (count == 0 && durationSeconds == 0) {
      count = 10_000;
    }
    int p = port != null ? port : switch (protocol) {
      case UDP, TCP -> 5140;
      case GELF_UDP, GELF_TCP -> 12201;
      case HTTP, HEC -> 8000;
    };
    String token = null;
    if (tokenFile != null) {
      token = java.nio.file.Files.readString(tokenFile).trim();
    } else {
      String fromEnv;
      try {
        fromEnv = io.phosor.config.DotEnv.inWorkingDirectory().under(System.getenv()).get("PHOSOR_LOAD_TOKEN");
      } catch (io.phosor.config.ConfigException e) {
        System.err.println("phosor: " + e.getMessage());
        return 2;
      }
      token = fromEnv == null ? null : fromEnv.trim();
    }
    long every = markerEvery != null ? markerEvery : apiTokenFile != null ? 1_000 : 0;
    if (every < 0 || markerWaitSeconds < 1 || progressSeconds < 0) {
      System.err.println("phosor load: --marker-every and --progress must be >= 0 and --marker-wait >= 1");
      return 2;
    }
    if (every > 0 && apiTokenFile == null) {
      System.err.println("phosor load: --marker-every needs the API token to create the marker rule and read "
          + "alerts from /ws/events: add --api-token-file data/secrets/api.token (or --marker-every 0)");
      return 2;
    }
    LoadOptions o;
    try {
      o = LoadOptions.of(protocol, host, p).withRate(rate).withBatchSize(batch).withConcurrency(concurrency)
          .withSource(source).withSeed(seed);
      if (durationSeconds > 0) {
        o = o.withDuration(Duration.ofSeconds(durationSeconds));
      }
      o = o.withCount(count).withMarkerEvery(every);
      if (token != null) {
        o = o.withToken(token);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("phosor load: " + e.getMessage());
      return 2;
    }
    MarkerProbe probe = null;
    ServerCounts before = null;
    try {
      if (apiTokenFile != null) {
        before = ServerCounts.fetch(host, statsPort, apiTokenFile);
      }
      if (every > 0) {
        if (!isLocal(host)) {
          System.err.println("phosor load: note: " + host + " is another machine; marker latencies are only right if "
              + "its clock and this one are synchronized (NTP); run on the server's host for exact figures");
        }
        probe = MarkerProbe.open(host, statsPort, java.nio.file.Files.readString(apiTokenFile), every,
            Duration.ofSeconds(10));
      }
    } catch (java.io.IOException e) {
      System.err.println("phosor load: " + (e instanceof java.nio.file.NoSuchFileException
          ? "no such --api-token-file: " + e.getMessage() : e.getMessage()));
      return 2;
    }
    try (MarkerProbe feed = probe) {
      LoadReport r = LoadTool.run(o, feed, Duration.ofSeconds(markerWaitSeconds),
          progressSeconds > 0 ? Duration.ofSeconds(progressSeconds) : null, System.err::println);
      System.out.println(json ? r.toJson() : r.toString());
      if (before != null) {
        ServerCounts after = ServerCounts.settled(host, statsPort, apiTokenFile);
        System.out.println(after.minus(before).describe());
      }
      boolean nothingArrived = r.markers() != null && r.markers().sent() > 0 && r.markers().received() == 0;
      return (r.errors() > 0 && r.accepted() == 0) || nothingArrived ? 1 : 0;
    }
  }

  /** Whether {@code host} is this machine (loopback or one of its interfaces): then both timestamps share a clock. */
  private static boolean isLocal(String host) {
    try {
      java.net.InetAddress a = java.net.InetAddress.getByName(host);
      return a.isLoopbackAddress() || a.isAnyLocalAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
