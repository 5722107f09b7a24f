package io.phosor.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server standing in for Slack, Teams, PagerDuty, a webhook receiver or a SCIM server: listens on
 * 127.0.0.1 on a free port, records every request (method, path, query, headers, body) and answers from a script
 * (status, body, headers; or hangs until the server is closed).
 */
final class RecordingServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One request as it arrived. Header names are lower case. */
  record Request(String method, String path, String rawQuery, Map<String, List<String>> headers, String body) {
    /** The single value of a header, or null. */
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      if (v == null) {
        return null;
      }
      if (v.size() != 1) {
        throw new AssertionError("header " + name + " has " + v.size() + " values: " + v);
      }
      return v.get(0);
    }

    /** The decoded value of a query parameter, or null. */
    String query(String name) {
      if (rawQuery == null) {
        return null;
      }
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        if (k.equals(name)) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }

    /** The body parsed as JSON. */
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("body is not JSON: " + body, e);
      }
    }
  }

  /** A scripted answer. */
  record Reply(int status, String body, Map<String, String> headers, boolean hang) {
    static Reply status(int status) {
      return new Reply(status, "", Map.of(), false);
    }

    static Reply json(int status, String body) {
      return new Reply(status, body, Map.of("Content-Type", "application/json"), false);
    }

    static Reply text(int status, String body) {
      return new Reply(status, body, Map.of("Content-Type", "text/plain"), false);
    }

    /** Never answers (until the server closes). */
    static Reply hanging() {
      return new Reply(0, "", Map.of(), true);
    }

    Reply withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Reply(status, body, h, hang);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Reply otherwise = Reply.status(200);

  private RecordingServer(HttpServer server) {
    this.server = server;
  }

  /** Starts a server on 127.0.0.1 on a free port. */
  static RecordingServer start() {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      RecordingServer r = new RecordingServer(s);
      s.createContext("/", r::handle);
      s.setExecutor(r.executor);
      s.start();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL of {@code pathAndQuery} on this server. */
  URI url(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
  }

  /** Answers the next requests with these replies, in order; after them {@link #otherwise}. */
  RecordingServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Answers every request not scripted with {@code reply}. */
  RecordingServer otherwise(Reply reply) {
    this.otherwise = reply;
    return this;
  }

  /** Every request so far, in order. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The one request so far (fails when there were none or several). */
  Request only() {
    List<Request> r = requests();
    if (r.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + r.size() + ": " + r);
    }
    return r.get(0);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(x.getRequestMethod(), x.getRequestURI().getRawPath(), x.getRequestURI().getRawQuery(),
          headers, body));
      Reply reply = script.poll();
      if (reply == null) {
        reply = otherwise;
      }
      if (reply.hang()) {
        try {
          closed.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      reply.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = x.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  /** A local port with nothing listening on it (bound, then released). */
  static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Duration elapsedSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }

  static List<String> lines(String s) {
    return new ArrayList<>(List.of(s.split("\n")));
  }
}
