package io.phosor.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A live feed client for tests (Java's WebSocket client): keeps every message it receives, parsed. */
public final class FeedClient implements WebSocket.Listener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile WebSocket ws;
  private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
  private volatile int closeCode = -1;
  private volatile String closeReason;

  private FeedClient() {}

  /** Connects to {@code /ws/events} on {@code port} offering the subprotocols {@code ["phosor", token]}. */
  public static FeedClient connect(int port, String token) throws Exception {
    return open(port, "", List.of("phosor", token));
  }

  /** Connects with the token in the {@code token} query parameter and no subprotocol. */
  public static FeedClient connectWithQueryToken(int port, String token) throws Exception {
    return open(port, "?token=" + token, List.of());
  }

  /** Connects with an {@code Authorization: Bearer} header and no subprotocol. */
  public static FeedClient connectWithBearer(int port, String token) throws Exception {
    FeedClient c = new FeedClient();
    c.ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + LiveFeed.PATH), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  /** Tries to connect and returns the HTTP status the server refused the handshake with (-1: it accepted). */
  public static int refusal(int port, String query, List<String> subprotocols) throws Exception {
    try (FeedClient c = open(port, query, subprotocols)) {
      return -1;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  private static FeedClient open(int port, String query, List<String> subprotocols) throws Exception {
    FeedClient c = new FeedClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (!subprotocols.isEmpty()) {
      b.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
    }
    c.ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + LiveFeed.PATH + query), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        messages.add(JSON.readTree(partial.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
    pings.incrementAndGet();
    return WebSocket.Listener.super.onPing(webSocket, message); // answers with a pong
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeReason = reason;
    closeCode = statusCode;
    return null;
  }

  /** Every message received so far. */
  public List<JsonNode> messages() {
    return messages;
  }

  /** The messages of one {@code type}. */
  public List<JsonNode> ofType(String type) {
    return messages.stream().filter(m -> type.equals(m.path("type").asText())).toList();
  }

  /** Sends a text message. */
  public void send(String text) throws Exception {
    ws.sendText(text, true).get(5, TimeUnit.SECONDS);
  }

  /** The subprotocol the server selected ("" for none). */
  public String subprotocol() {
    return ws.getSubprotocol();
  }

  /** Pings received. */
  public int pings() {
    return pings.get();
  }

  /** The close code the server sent, or -1 while open. */
  public int closeCode() {
    return closeCode;
  }

  /** The close reason the server sent. */
  public String closeReason() {
    return closeReason;
  }

  @Override
  public void close() {
    if (ws != null && !ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    if (ws != null) {
      ws.abort();
    }
  }
}
