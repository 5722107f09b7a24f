package io.phosor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's own view of a load run, from {@code /api/stats}: what it received, journaled, refused
 * and dropped (UDP drops are invisible to the sender).
 */
record ServerCounts(long received, long journaled, long rateLimited, long dropped, long refusedBusy, long parseFailures,
    long queueDepth, long alerts) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long to wait for the server's queue to drain after the run before reading the final counts. */
  private static final Duration SETTLE = Duration.ofSeconds(30);

  static ServerCounts fetch(String host, int port, Path tokenFile) throws IOException, InterruptedException {
    String token = Files.readString(tokenFile).trim();
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + host + ":" + port + "/api/stats")).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET /api/stats answered " + r.statusCode() + ": " + r.body());
    }
    JsonNode n = JSON.readTree(r.body());
    return new ServerCounts(n.path("events_received").asLong(), n.path("total_events").asLong(),
        n.path("rate_limited").asLong(), n.path("dropped").asLong(), n.path("refused_busy").asLong(),
        n.path("parse_failures").asLong(), n.path("queue_depth").asLong(),
        n.path("total_alerts").asLong());
  }

  /** Reads the counts once the queue is empty and nothing changed for half a second (UDP in flight settles). */
  static ServerCounts settled(String host, int port, Path tokenFile) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    ServerCounts last = fetch(host, port, tokenFile);
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      ServerCounts now = fetch(host, port, tokenFile);
      if (now.queueDepth == 0 && now.equals(last)) {
        return now;
      }
      last = now;
    }
    return last;
  }

  ServerCounts minus(ServerCounts o) {
    return new ServerCounts(received - o.received, journaled - o.journaled, rateLimited - o.rateLimited,
        dropped - o.dropped, refusedBusy - o.refusedBusy, parseFailures - o.parseFailures, queueDepth,
        alerts - o.alerts);
  }

  String describe() {
    return String.format("server: received %,d, journaled %,d, rate-limited %,d, dropped %,d, refused (busy) %,d, "
        + "parse failures %,d, alerts stored %,d", received, journaled, rateLimited, dropped, refusedBusy, parseFailures,
        alerts);
  }
}
