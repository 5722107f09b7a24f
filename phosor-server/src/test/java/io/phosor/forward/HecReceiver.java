package io.phosor.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local stand-in for Splunk's HTTP Event Collector (or any HTTP endpoint): listens on 127.0.0.1, records every
 * request with the status it answered, and answers from a script, then with the default (HEC's success).
 */
final class HecReceiver implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SUCCESS = "{\"text\":\"Success\",\"code\":0}";

  /** A request as it arrived and the status it got. */
  record Request(String method, String path, String authorization, String contentType, String body, int answered) {
    /** The body's JSON values (HEC: events one after another). */
    List<JsonNode> values() {
      List<JsonNode> out = new ArrayList<>();
      try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(body)) {
        it.forEachRemaining(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    }
  }

  /** A scripted answer. */
  record Reply(int status, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private volatile Reply otherwise = new Reply(200, SUCCESS);

  private HecReceiver(HttpServer server) {
    this.server = server;
  }

  static HecReceiver start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    HecReceiver r = new HecReceiver(s);
    s.createContext("/", r::handle);
    s.setExecutor(r.executor);
    s.start();
    return r;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next answers, in order. */
  void script(Reply... replies) {
    script.addAll(List.of(replies));
  }

  /** The answer once the script is used up. */
  void otherwise(Reply reply) {
    otherwise = reply;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The JSON values of every request answered with a 2xx. */
  List<JsonNode> accepted() {
    List<JsonNode> out = new ArrayList<>();
    for (Request r : requests) {
      if (r.answered() >= 200 && r.answered() < 300) {
        out.addAll(r.values());
      }
    }
    return out;
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Reply reply = script.poll();
    if (reply == null) {
      reply = otherwise;
    }
    requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
        ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Type"),
        new String(body, StandardCharsets.UTF_8), reply.status()));
    byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
