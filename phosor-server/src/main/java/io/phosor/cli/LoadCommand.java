package io.phosor.cli;

import io.phosor.load.LoadOptions;
import io.phosor.load.LoadReport;
import io.phosor.load.LoadTool;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code phosor load}: sends syslog or HTTP events at a chosen rate and reports what was accepted. */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Send events to a Phosor server (or any syslog/HEC receiver) at a fixed rate and report "
        + "accepted, refused and dropped counts.")
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

  @Option(names = "--stats-port", defaultValue = "8000", description = "HTTP port of the server for /api/stats. Default: ${DEFAULT-VALUE}.")
  int statsPort;

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
    LoadOptions o;
    try {
      o = LoadOptions.of(protocol, host, p).withRate(rate).withBatchSize(batch).withConcurrency(concurrency)
          .withSource(source).withSeed(seed);
      if (durationSeconds > 0) {
        o = o.withDuration(Duration.ofSeconds(durationSeconds));
      }
      o = o.withCount(count);
      if (token != null) {
        o = o.withToken(token);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("phosor load: " + e.getMessage());
      return 2;
    }
    ServerCounts before = apiTokenFile == null ? null : ServerCounts.fetch(host, statsPort, apiTokenFile);
    LoadReport r = LoadTool.run(o);
    System.out.println(json ? r.toJson() : r.toString());
    if (before != null) {
      ServerCounts after = ServerCounts.settled(host, statsPort, apiTokenFile);
      System.out.println(after.minus(before).describe());
    }
    return r.errors() > 0 && r.accepted() == 0 ? 1 : 0;
  }
}
