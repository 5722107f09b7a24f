package io.phosor.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Measures alerts and event-to-alert latency of a load run from the sender's timestamps. It makes sure the
 * marker rule {@value #RULE_ID} exists (a pattern rule on {@value EventGenerator#MARKER_TEXT}; left in place
 * afterwards), listens to {@code /ws/events} with the API token, and matches every alert of that rule to a marker
 * sent by this run through the alert's {@code last_seen}, which is the marker's event time: the sender's wall clock
 * at sending, to the millisecond. Latency = the receiver's wall clock when the alert arrived minus {@code last_seen};
 * both clocks must be the same machine's (or synchronized), otherwise the figures are off by the clock difference.
 *
 * <p>Thread-safe: markers are registered by the sending thread, alerts arrive on the WebSocket's thread.
 */
public final class MarkerProbe implements WebSocket.Listener, AutoCloseable {
  /** The id of the rule that turns every marker event into one alert. */
  public static final String RULE_ID = "phosor-load-marker";
  /** The rule, in the seeds' JSON format; PUT again when the stored one differs. */
  static final String RULE = "{\"id\": \"" + RULE_ID + "\", \"name\": \"Phosor load marker\", "
      + "\"description\": \"Latency markers of phosor load: one informational alert per marker event\", "
      + "\"type\": \"pattern\", \"severity\": \"informational\", \"tags\": [\"phosor-load\"], "
      + "\"config\": {\"field\": \"message\", \"contains\": \"" + EventGenerator.MARKER_TEXT
      + "\", \"case_sensitive\": true}}";
  /** Largest feed message kept (an alert is a few KB; anything larger is not one of ours). */
  static final int MAX_MESSAGE_CHARS = 1 << 20;
  /** Markers awaiting their alert; beyond this many, markers are not tracked (and count as missing). */
  static final int MAX_PENDING = 1_000_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String host;
  private final int port;
  private final String token;
  private final Clock clock;
  private final Duration timeout;
  private final long every;
  private final HttpClient http;
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private boolean oversized;
  private volatile WebSocket ws;
  private volatile String closedBecause;

  // guarded by this
  private final Map<Long, Integer> pending = new HashMap<>();
  private int pendingCount;
  private long sent;
  private long received;
  private long unmatched;
  private long alertsTotal;
  private long feedDropped;
  private final LatencyHistogram total = new LatencyHistogram();
  private LatencyHistogram interval = new LatencyHistogram();

  private MarkerProbe(String host, int port, String token, long every, Clock clock, Duration timeout) {
    this.host = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    this.port = port;
    this.token = token;
    this.every = every;
    this.clock = clock;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * Makes sure the marker rule exists and subscribes to the live feed's alerts on {@code host:httpPort}.
   *
   * @param token the API token (or an admin's access token: creating the rule needs the admin role)
   * @param every every this many events is a marker (for the report)
   * @throws IOException with a message naming the problem (no token, token refused, no server, ...)
   */
  public static MarkerProbe open(String host, int httpPort, String token, long every, Duration timeout)
      throws IOException, InterruptedException {
    if (token == null || token.isBlank()) {
      throw new IOException("latency markers need the API token (--api-token-file, e.g. data/secrets/api.token): "
          + "it creates the marker rule and reads alerts from /ws/events");
    }
    if (every < 1) {
      throw new IllegalArgumentException("marker interval must be >= 1, was " + every);
    }
    MarkerProbe p = new MarkerProbe(host, httpPort, token.trim(), every, Clock.systemUTC(), timeout);
    try {
      p.ensureRule();
      p.connect();
      return p;
    } catch (IOException | InterruptedException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private void ensureRule() throws IOException, InterruptedException {
    HttpResponse<String> got = call("GET", "/api/rules/" + RULE_ID, null);
    if (got.statusCode() == 200) {
      JsonNode rule = JSON.readTree(got.body());
      if (RULE.equals(rule.path("source").asText()) && rule.path("enabled").asBoolean(true)) {
        return;
      }
      expect(call("PUT", "/api/rules/" + RULE_ID, RULE), 200, "PUT /api/rules/" + RULE_ID);
      if (!JSON.readTree(call("GET", "/api/rules/" + RULE_ID, null).body()).path("enabled").asBoolean(true)) {
        expect(call("POST", "/api/rules/" + RULE_ID + "/toggle", ""), 200, "enabling rule " + RULE_ID);
      }
    } else if (got.statusCode() == 404) {
      expect(call("POST", "/api/rules", RULE), 201, "POST /api/rules");
    } else {
      expect(got, 200, "GET /api/rules/" + RULE_ID);
    }
  }

  private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new IOException(method + " " + path + " on " + host + ":" + port + ": no answer within " + timeout, e);
    } catch (IOException e) {
      throw new IOException("cannot reach the Phosor API on " + host + ":" + port + " (" + method + " " + path
          + "): " + e, e);
    }
  }

  private static void expect(HttpResponse<String> r, int status, String what) throws IOException {
    if (r.statusCode() == status) {
      return;
    }
    String hint = switch (r.statusCode()) {
      case 401 -> ": the API token was refused; give the server's API token (data/secrets/api.token)";
      case 403 -> ": the token may not manage rules; give the API token or an admin's token";
      default -> "";
    };
    String body = r.body() == null ? "" : r.body();
    throw new IOException(what + " answered HTTP " + r.statusCode() + hint + " ("
        + (body.length() > 300 ? body.substring(0, 300) + "..." : body) + ")");
  }

  private void connect() throws IOException, InterruptedException {
    URI uri = URI.create("ws://" + host + ":" + port + "/ws/events");
    try {
      ws = http.newWebSocketBuilder().connectTimeout(timeout).header("Authorization", "Bearer " + token)
          .buildAsync(uri, this).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      subscribed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof WebSocketHandshakeException h) {
        int status = h.getResponse().statusCode();
        throw new IOException("the live feed " + uri + " refused the connection with HTTP " + status + switch (status) {
          case 401 -> ": the API token is missing or invalid (give data/secrets/api.token with --api-token-file)";
          case 403 -> ": an ingest token may not read the feed; give the API token";
          case 503 -> ": too many live feed clients (PHOSOR_WS_MAX_CLIENTS)";
          default -> "";
        }, c);
      }
      throw new IOException("cannot open the live feed " + uri + ": " + c, c);
    } catch (TimeoutException e) {
      throw new IOException("the live feed " + uri + " did not " + (ws == null ? "connect" : "confirm the subscription")
          + " within " + timeout, e);
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.sendText("{\"subscribe\": [\"alert\"]}", true);
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    if (!oversized && partial.length() + data.length() <= MAX_MESSAGE_CHARS) {
      partial.append(data);
    } else {
      oversized = true;
    }
    if (last) {
      if (!oversized) {
        handle(partial.toString(), clock.millis());
      }
      partial.setLength(0);
      oversized = false;
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closedBecause = "the server closed the live feed (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")";
    subscribed.completeExceptionally(new IOException(closedBecause));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closedBecause = "the live feed failed: " + error;
    subscribed.completeExceptionally(error);
  }

  private void handle(String text, long receivedAt) {
    JsonNode m;
    try {
      m = JSON.readTree(text);
    } catch (IOException e) {
      return; // not JSON: nothing of ours
    }
    switch (m.path("type").asText()) {
      case "subscribed" -> subscribed.complete(null);
      case "dropped" -> {
        synchronized (this) {
          feedDropped += Math.max(0, m.path("count").asLong());
        }
      }
      case "alert" -> alert(m.path("data"), receivedAt);
      default -> { } // hello, stats, incident, ...: not needed
    }
  }

  private synchronized void alert(JsonNode a, long receivedAt) {
    alertsTotal++;
    if (!RULE_ID.equals(a.path("rule").asText())) {
      return;
    }
    long lastSeen;
    try {
      lastSeen = Instant.parse(a.path("last_seen").asText()).toEpochMilli();
    } catch (DateTimeParseException e) {
      unmatched++;
      return;
    }
    Integer left = pending.get(lastSeen);
    if (left == null) {
      unmatched++;
      return;
    }
    if (left == 1) {
      pending.remove(lastSeen);
    } else {
      pending.put(lastSeen, left - 1);
    }
    pendingCount--;
    received++;
    total.record(receivedAt - lastSeen);
    interval.record(receivedAt - lastSeen);
  }

  /** Records a marker sent with event time {@code sentMillis}; call before sending it. */
  synchronized void markerSent(long sentMillis) {
    sent++;
    if (pendingCount < MAX_PENDING) {
      pending.merge(sentMillis, 1, Integer::sum);
      pendingCount++;
    }
  }

  /** Waits until every marker's alert arrived, at most {@code max}; false when some are missing. */
  boolean awaitMarkers(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      synchronized (this) {
        if (received >= sent) {
          return true;
        }
      }
      if (System.nanoTime() >= deadline || closedBecause != null) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  /** Latencies of the markers received since the previous call (for progress lines), then starts a new interval. */
  synchronized MarkerReport takeInterval() {
    MarkerReport r = MarkerReport.of(every, sent, received, unmatched, alertsTotal, feedDropped, interval);
    interval = new LatencyHistogram();
    return r;
  }

  /** Everything so far. */
  public synchronized MarkerReport report() {
    return MarkerReport.of(every, sent, received, unmatched, alertsTotal, feedDropped, total);
  }

  /** Why the feed closed early, or null while it is open. */
  String closedBecause() {
    return closedBecause;
  }

  @Override
  public void close() {
    WebSocket w = ws;
    if (w != null) {
      w.sendClose(WebSocket.NORMAL_CLOSURE, "load run done").orTimeout(2, TimeUnit.SECONDS)
          .whenComplete((x, e) -> w.abort());
    }
    http.shutdownNow();
  }
}
