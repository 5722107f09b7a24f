package io.phosor.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadToolTest {
  /** An RFC 3164 line as the generator writes it, ending in the run/seq/sent_ns markers. */
  private static final Pattern LINE = Pattern.compile(
      "<(\\d{1,3})>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d [\\w.-]+ (sshd|sudo|nginx)(\\[\\d+])?: .+"
          + " run=([0-9a-f]{8}) seq=(\\d+) sent_ns=(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer http;

  @AfterEach
  void stopServer() {
    if (http != null) {
      http.stop(0);
    }
  }

  @Test
  void udpSendsOneSyslogLinePerDatagramWithSequenceAndSendTime() throws IOException {
    try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      server.setReceiveBufferSize(1 << 20);
      server.setSoTimeout(5_000);
      long before = System.currentTimeMillis() * 1_000_000L;

      LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.UDP, "127.0.0.1", server.getLocalPort())
          .withCount(50).withBatchSize(7));

      assertThat(report.sent()).isEqualTo(50);
      assertThat(report.accepted()).isEqualTo(50);
      assertThat(report.errors()).isZero();
      List<Long> seqs = new ArrayList<>();
      byte[] buf = new byte[65_536];
      for (int i = 0; i < 50; i++) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        server.receive(p);
        String line = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        Matcher m = LINE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(m.group(4)).isEqualTo(report.runId());
        assertThat(Long.parseLong(m.group(6))).isBetween(before, System.currentTimeMillis() * 1_000_000L + 1);
        seqs.add(Long.parseLong(m.group(5)));
      }
      assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
    }
  }

  @Test
  void tcpFramesEveryMessageWithItsOctetCount() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(server));

      LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.TCP, "127.0.0.1", server.getLocalPort())
          .withCount(100).withBatchSize(7));

      assertThat(report.sent()).isEqualTo(100);
      assertThat(report.accepted()).isEqualTo(100);
      List<String> frames = octetCountedFrames(received.get(10, TimeUnit.SECONDS));
      assertThat(frames).hasSize(100);
      for (int i = 0; i < frames.size(); i++) {
        Matcher m = LINE.matcher(frames.get(i));
        assertThat(m.matches()).as(frames.get(i)).isTrue();
        assertThat(m.group(5)).isEqualTo(Integer.toString(i + 1));
      }
    }
  }

  @Test
  void gelfOverTcpIsNulFramedJsonAndOverUdpOneMessagePerDatagram() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(server));
      LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.GELF_TCP, "127.0.0.1",
          server.getLocalPort()).withCount(20).withBatchSize(7));
      assertThat(report.accepted()).isEqualTo(20);
      String stream = new String(received.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
      assertThat(stream).endsWith("\0");
      String[] frames = stream.substring(0, stream.length() - 1).split("\0");
      assertThat(frames).hasSize(20);
      for (int i = 0; i < frames.length; i++) {
        JsonNode g = JSON.readTree(frames[i]);
        assertThat(g.get("version").asText()).isEqualTo("1.1");
        assertThat(g.get("short_message").asText()).isNotEmpty();
        assertThat(g.get("level").asInt()).isBetween(0, 7);
        assertThat(g.get("_seq").asLong()).isEqualTo(i + 1);
        assertThat(g.get("_load_run").asText()).isEqualTo(report.runId());
      }
    }
    try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(5_000);
      LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.GELF_UDP, "127.0.0.1",
          server.getLocalPort()).withCount(3));
      assertThat(report.accepted()).isEqualTo(3);
      byte[] buf = new byte[65_536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      server.receive(p);
      JsonNode g = JSON.readTree(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
      assertThat(g.get("host").asText()).isNotEmpty();
      assertThat(g.get("timestamp").asDouble()).isPositive();
    }
  }

  @Test
  void tcpCountsEverythingAsErrorsAndStopsWhenNobodyListens() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.TCP, "127.0.0.1", port)
        .withDuration(Duration.ofMinutes(5)).withCount(0).withBatchSize(10));

    assertThat(report.sent()).isEqualTo(10);
    assertThat(report.errors()).isEqualTo(10);
    assertThat(report.accepted()).isZero();
    assertThat(report.firstError()).contains("Connect");
  }

  @Test
  void webhookBatchesArePostedAsNdjsonWithTheBearerToken() throws Exception {
    List<Recorded> requests = recordingServer("/api/webhook/", exchange -> 202);

    LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.HTTP, "127.0.0.1", port())
        .withSource("load-test").withToken("t0k3n").withCount(25).withBatchSize(10));

    assertThat(report.accepted()).isEqualTo(25);
    assertThat(report.eventsByStatus()).isEqualTo(Map.of(202, 25L));
    assertThat(requests).hasSize(3);
    List<Long> seqs = new ArrayList<>();
    for (Recorded r : requests) {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/api/webhook/load-test");
      assertThat(r.authorization()).isEqualTo("Bearer t0k3n");
      assertThat(r.contentType()).isEqualTo("application/x-ndjson");
      assertThat(r.body()).endsWith("\n");
      for (String line : r.body().split("\n")) {
        JsonNode event = JSON.readTree(line);
        assertThat(event.get("message").asText()).contains("seq=" + event.get("seq").asLong());
        assertThat(event.get("sent_ns").asLong()).isPositive();
        assertThat(event.get("load_run").asText()).isEqualTo(report.runId());
        assertThat(event.get("program").asText()).isIn("sshd", "sudo", "nginx");
        seqs.add(event.get("seq").asLong());
      }
    }
    assertThat(requests).extracting(r -> r.body().split("\n").length).containsExactly(10, 10, 5);
    assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
  }

  @Test
  void hecBatchesAreConcatenatedEventObjectsWithTheSplunkToken() throws Exception {
    List<Recorded> requests = recordingServer("/services/collector/event", exchange -> 200);

    LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.HEC, "127.0.0.1", port())
        .withToken("abc-123").withCount(12).withBatchSize(5));

    assertThat(report.accepted()).isEqualTo(12);
    assertThat(requests).hasSize(3);
    int events = 0;
    for (Recorded r : requests) {
      assertThat(r.path()).isEqualTo("/services/collector/event");
      assertThat(r.authorization()).isEqualTo("Splunk abc-123");
      assertThat(r.body()).doesNotContain("\n").contains("}{\"time\":").startsWith("{\"time\":");
      try (var it = JSON.readerFor(JsonNode.class).<JsonNode>readValues(r.body())) {
        while (it.hasNext()) {
          JsonNode hec = it.next();
          assertThat(hec.get("time").isNumber()).isTrue();
          assertThat(hec.get("time").asDouble()).isGreaterThan(1.7e9);
          assertThat(hec.get("event").get("message").asText()).contains("sent_ns=");
          events++;
        }
      }
    }
    assertThat(events).isEqualTo(12);
  }

  @Test
  void answers429And503CountAsRefusedPerStatusAndOtherFailuresAsErrors() throws Exception {
    AtomicInteger n = new AtomicInteger();
    recordingServer("/api/webhook/", exchange -> switch (n.incrementAndGet()) {
      case 2 -> 429;
      case 3 -> 503;
      case 4 -> 500;
      default -> 200;
    });

    LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.HTTP, "127.0.0.1", port())
        .withToken("t").withCount(50).withBatchSize(10));

    assertThat(report.sent()).isEqualTo(50);
    assertThat(report.accepted()).isEqualTo(20);
    assertThat(report.refused()).isEqualTo(20);
    assertThat(report.errors()).isEqualTo(10);
    assertThat(report.eventsByStatus()).isEqualTo(Map.of(200, 20L, 429, 10L, 503, 10L, 500, 10L));
    assertThat(report.firstError()).isEqualTo("HTTP 500");
    assertThat(report.toString()).contains("20 refused").contains("429=10").contains("503=10");
    JsonNode json = JSON.readTree(report.toJson());
    assertThat(json.get("refused").asLong()).isEqualTo(20);
    assertThat(json.get("events_by_status").get("429").asLong()).isEqualTo(10);
    assertThat(json.get("protocol").asText()).isEqualTo("http");
  }

  @Test
  void severalRequestsMayBeInFlightAtOnce() throws Exception {
    recordingServer("/api/webhook/", exchange -> 200);
    LoadReport report = LoadTool.run(LoadOptions.of(LoadOptions.Protocol.HTTP, "127.0.0.1", port())
        .withCount(1_000).withBatchSize(10).withConcurrency(4));
    assertThat(report.accepted()).isEqualTo(1_000);
    assertThat(report.errors()).isZero();
  }

  private int port() {
    return http.getAddress().getPort();
  }

  /** What the fake server saw of one request. */
  private record Recorded(String method, String path, String authorization, String contentType, String body) {}

  /** A stand-in for Phosor's HTTP ingestion that records every request and answers {@code status}. */
  private List<Recorded> recordingServer(String context, java.util.function.ToIntFunction<Object> status)
      throws IOException {
    List<Recorded> seen = new CopyOnWriteArrayList<>();
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(context, exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Content-Type"),
          body));
      int code = status.applyAsInt(exchange);
      if (code == 429 || code == 503) {
        exchange.getResponseHeaders().add("Retry-After", "2");
      }
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    http.start();
    return seen;
  }

  private static byte[] readAll(ServerSocket server) {
    try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A strict RFC 6587 octet-counting parser: digits, one space, exactly that many bytes. */
  private static List<String> octetCountedFrames(byte[] data) {
    List<String> frames = new ArrayList<>();
    int i = 0;
    while (i < data.length) {
      int len = 0;
      int digits = 0;
      while (data[i] >= '0' && data[i] <= '9') {
        len = len * 10 + (data[i++] - '0');
        digits++;
      }
      assertThat(digits).as("frame length at byte %d", i).isPositive();
      assertThat(data[i++]).as("space after length").isEqualTo((byte) ' ');
      assertThat(i + len).isLessThanOrEqualTo(data.length);
      frames.add(new String(data, i, len, StandardCharsets.UTF_8));
      i += len;
    }
    return frames;
  }
}
