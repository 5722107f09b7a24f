package io.phosor.ingest.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import io.phosor.parse.EventParser;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.redact.Redactor;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyslogServerTest {
  private static final String LOCALHOST = "127.0.0.1";

  @TempDir
  Path tmp;

  private final Clock clock = Clock.systemUTC();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SourceStats stats = new SourceStats(registry);
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Pipeline pipeline;
  private SyslogServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (pipeline != null) {
      pipeline.shutdown(Duration.ofSeconds(5));
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private PhosorConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PHOSOR_DATA_DIR", tmp.resolve("data").toString());
    env.put("PHOSOR_HTTP_PORT", "0");
    env.put("PHOSOR_SYSLOG_HOST", LOCALHOST);
    env.put("PHOSOR_SYSLOG_PORT", "0");
    env.put("PHOSOR_SYSLOG_TLS_PORT", "0");
    env.put("PHOSOR_INGEST_TOKENS", "test-token-0123456789abcdef");
    env.putAll(extra);
    return ConfigLoader.load(null, env);
  }

  private SyslogServer start(PhosorConfig config, boolean startPipeline) throws Exception {
    return start(config, startPipeline, SyslogServer.MAX_CONNECTIONS);
  }

  private SyslogServer start(PhosorConfig config, boolean startPipeline, int maxConnections) throws Exception {
    Journal journal = Journal.open(tmp.resolve("journal"), config.journalSegmentBytes());
    pipeline = new Pipeline(config, new EventParser(clock), new Redactor(config.redact()), journal, stats, registry,
        clock);
    pipeline.addSink(events::addAll);
    if (startPipeline) {
      pipeline.start();
    }
    server = new SyslogServer(config, pipeline, stats,
        new ReputationLimiter(config.rateLimitPerSecond(), config.rateLimitBurst(), clock), registry, clock,
        maxConnections);
    server.start();
    return server;
  }

  private SourceCounters localCounters() {
    return stats.source("syslog", "syslog:" + LOCALHOST);
  }

  private static void sendUdp(int port, String text) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(b, b.length, InetAddress.getByName(LOCALHOST), port));
    }
  }

  private static void sendTcp(int port, String stream) throws IOException {
    try (Socket socket = new Socket(LOCALHOST, port)) {
      socket.getOutputStream().write(stream.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }
  }

  private List<String> originals() {
    return events.stream().map(Event::original).toList();
  }

  private double meter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void udpAndTcpOnTheSamePortBothDeliverEventsWithTheSenderAddress() throws Exception {
    start(config(Map.of()), true);
    assertThat(server.udpPort()).isPositive().isEqualTo(server.tcpPort());
    assertThat(server.tlsPort()).isEqualTo(-1);

    sendUdp(server.udpPort(), "<13>Jan  1 00:00:00 host app: over udp\n");
    String octet = "<14>1 2026-01-01T00:00:00Z host app - - - octet counted";
    sendTcp(server.tcpPort(), "<13>Jan  1 00:00:00 host app: over tcp\r\n"
        + octet.getBytes(StandardCharsets.UTF_8).length + " " + octet);

    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
    assertThat(originals()).containsExactlyInAnyOrder("<13>Jan  1 00:00:00 host app: over udp",
        "<13>Jan  1 00:00:00 host app: over tcp", octet);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.sourceAddress()).isEqualTo(LOCALHOST);
      assertThat(e.source()).isEqualTo("syslog");
    });
    assertThat(localCounters().receivedCount()).isEqualTo(3);
    assertThat(Journal.readAll(tmp.resolve("journal"))).extracting(Event::original)
        .containsExactlyInAnyOrderElementsOf(originals());
    assertThat(meter("phosor_syslog_connections_opened", "transport", "tcp")).isEqualTo(1);
  }

  @Test
  void framesOfOneConnectionArriveInOrder() throws Exception {
    start(config(Map.of()), true);
    StringBuilder stream = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String msg = "<13>Jan  1 00:00:00 host app: message " + i;
      expected.add(msg);
      stream.append(i % 2 == 0 ? msg.length() + " " + msg : msg + "\n");
    }
    sendTcp(server.tcpPort(), stream.toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == expected.size());
    assertThat(originals()).containsExactlyElementsOf(expected);
  }

  @Test
  void oversizedFramesAreCountedAndTheConnectionSurvives() throws Exception {
    start(config(Map.of("PHOSOR_SYSLOG_MAX_FRAME_BYTES", "480")), true);
    try (Socket socket = new Socket(LOCALHOST, server.tcpPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("600 " + "x".repeat(600) + "<13>after octet\n").getBytes(StandardCharsets.UTF_8));
      out.write(("<13>" + "y".repeat(1000) + "\n<13>after line\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
      out.write("<13>still open\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
    }
    sendUdp(server.udpPort(), "<13>" + "z".repeat(1000));
    await().atMost(Duration.ofSeconds(10)).until(() -> localCounters().oversizedCount() == 3);
    assertThat(originals()).containsExactly("<13>after octet", "<13>after line", "<13>still open");
    assertThat(meter("phosor_syslog_frames_oversized", "transport", "tcp")).isEqualTo(2);
    assertThat(meter("phosor_syslog_frames_oversized", "transport", "udp")).isEqualTo(1);
  }

  @Test
  void fullQueueStopsTcpReadingWithoutLosingAFrameAndOrderIsKept() throws Exception {
    start(config(Map.of("PHOSOR_QUEUE_CAPACITY", "16")), false);
    // Each journal batch holds at most 16 events here (the queue capacity), so keep the count modest; the
    // frames are long enough (~1 MB in all) that the server cannot have read them all before it pauses.
    int total = 1_000;
    List<String> expected = new ArrayList<>(total);
    StringBuilder stream = new StringBuilder();
    for (int i = 0; i < total; i++) {
      String msg = String.format("<13>Jan  1 00:00:00 host app: backpressure message %06d %s", i, "p".repeat(1000));
      expected.add(msg);
      stream.append(msg).append('\n');
    }
    byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
    Socket socket = new Socket(LOCALHOST, server.tcpPort());
    toClose.add(socket);
    Thread writer = Thread.ofVirtual().start(() -> {
      try {
        socket.getOutputStream().write(bytes);
        socket.shutdownOutput();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.depth() == pipeline.capacity());
    await().atMost(Duration.ofSeconds(10)).until(() -> meter("phosor_syslog_backpressure_pauses") >= 1);
    // Reading has stopped: the server holds far fewer frames than were sent, and the count does not move.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> localCounters().receivedCount() < total);
    assertThat(events).isEmpty();

    pipeline.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> events.size() == total);
    writer.join(Duration.ofSeconds(10));
    assertThat(originals()).containsExactlyElementsOf(expected);
    assertThat(localCounters().droppedCount()).isZero();
    assertThat(localCounters().receivedCount()).isEqualTo(total);
  }

  @Test
  void fullQueueMakesUdpDropAndCountEachDatagram() throws Exception {
    start(config(Map.of("PHOSOR_QUEUE_CAPACITY", "16")), false);
    for (int i = 0; i < 40; i++) {
      sendUdp(server.udpPort(), "<13>Jan  1 00:00:00 host app: datagram " + i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> localCounters().receivedCount() == 40);
    assertThat(pipeline.depth()).isEqualTo(16);
    assertThat(localCounters().droppedCount()).isEqualTo(24);
    assertThat(meter("phosor_syslog_dropped", "transport", "udp", "reason", "queue_full")).isEqualTo(24);
  }

  @Test
  void tlsWithASelfSignedCertificateDeliversEvents() throws Exception {
    SelfSignedCertificate ssc = new SelfSignedCertificate("localhost");
    Path cert = Files.copy(ssc.certificate().toPath(), tmp.resolve("cert.pem"));
    Path key = Files.copy(ssc.privateKey().toPath(), tmp.resolve("key.pem"));
    ssc.delete();
    start(config(Map.of("PHOSOR_SYSLOG_TLS_CERT", cert.toString(), "PHOSOR_SYSLOG_TLS_KEY", key.toString())), true);
    assertThat(server.tlsPort()).isPositive().isNotEqualTo(server.tcpPort());

    String msg = "<14>1 2026-01-01T00:00:00Z host app - - - over tls";
    try (SSLSocket socket = (SSLSocket) trusting(cert).getSocketFactory().createSocket(LOCALHOST, server.tlsPort())) {
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      socket.getOutputStream().write((msg.length() + " " + msg + "<13>tls line\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
    }
    assertThat(originals()).containsExactly(msg, "<13>tls line");
    assertThat(events.get(0).sourceAddress()).isEqualTo(LOCALHOST);
    assertThat(meter("phosor_syslog_connections_opened", "transport", "tls")).isEqualTo(1);
  }

  private static SSLContext trusting(Path certFile) throws Exception {
    X509Certificate cert;
    try (var in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("phosor", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void pkcs1KeyFailsStartWithTheConversionCommand() throws Exception {
    SelfSignedCertificate ssc = new SelfSignedCertificate("localhost", "EC", 256);
    Path cert = Files.copy(ssc.certificate().toPath(), tmp.resolve("cert.pem"));
    ssc.delete();
    Path key = Files.writeString(tmp.resolve("rsa.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n");
    PhosorConfig config = config(Map.of("PHOSOR_SYSLOG_TLS_CERT", cert.toString(), "PHOSOR_SYSLOG_TLS_KEY",
        key.toString()));
    assertThatThrownBy(() -> start(config, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(key.toString()).hasMessageContaining("PKCS#1")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void keyOfAnotherCertificateFailsStartNamingBothFiles() throws Exception {
    SelfSignedCertificate one = new SelfSignedCertificate("localhost", "EC", 256);
    SelfSignedCertificate two = new SelfSignedCertificate("localhost", "EC", 256);
    Path cert = Files.copy(one.certificate().toPath(), tmp.resolve("cert.pem"));
    Path key = Files.copy(two.privateKey().toPath(), tmp.resolve("key.pem"));
    one.delete();
    two.delete();
    PhosorConfig config = config(Map.of("PHOSOR_SYSLOG_TLS_CERT", cert.toString(), "PHOSOR_SYSLOG_TLS_KEY",
        key.toString()));
    assertThatThrownBy(() -> start(config, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(key.toString()).hasMessageContaining(cert.toString())
        .hasMessageContaining("does not belong");
  }

  @Test
  void garbageCertificateFailsStartNamingTheFile() throws Exception {
    SelfSignedCertificate ssc = new SelfSignedCertificate("localhost", "EC", 256);
    Path key = Files.copy(ssc.privateKey().toPath(), tmp.resolve("key.pem"));
    ssc.delete();
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "not a certificate\n");
    PhosorConfig config = config(Map.of("PHOSOR_SYSLOG_TLS_CERT", cert.toString(), "PHOSOR_SYSLOG_TLS_KEY",
        key.toString()));
    assertThatThrownBy(() -> start(config, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(cert.toString()).hasMessageContaining("PEM certificate");
  }

  @Test
  void portInUseFailsStartWithAClearMessage() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName(LOCALHOST))) {
      int port = taken.getLocalPort();
      PhosorConfig config = config(Map.of("PHOSOR_SYSLOG_PORT", Integer.toString(port)));
      assertThatThrownBy(() -> start(config, true)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("syslog UDP port " + port + " is already in use (PHOSOR_SYSLOG_PORT)");
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAndCounted() throws Exception {
    start(config(Map.of()), true, 2);
    try (Socket one = new Socket(LOCALHOST, server.tcpPort());
        Socket two = new Socket(LOCALHOST, server.tcpPort())) {
      await().atMost(Duration.ofSeconds(10))
          .until(() -> registry.get("phosor_syslog_connections_active").gauge().value() == 2);
      Socket three = new Socket(LOCALHOST, server.tcpPort());
      toClose.add(three);
      three.setSoTimeout(5000);
      assertThat(three.getInputStream().read()).isEqualTo(-1);
      assertThat(meter("phosor_syslog_connections_rejected")).isEqualTo(1);
      one.getOutputStream().write("<13>one\n".getBytes(StandardCharsets.UTF_8));
      two.getOutputStream().write("<13>two\n".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
    }
    // Closed connections free their slots.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.get("phosor_syslog_connections_active").gauge().value() == 0);
    sendTcp(server.tcpPort(), "<13>three\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
  }

  @Test
  void closeStopsListening() throws Exception {
    start(config(Map.of()), true);
    int port = server.tcpPort();
    server.close();
    assertThatThrownBy(() -> new Socket(LOCALHOST, port).close()).isInstanceOf(IOException.class);
  }

  @Test
  void disabledPortBindsNothing() throws Exception {
    start(config(Map.of("PHOSOR_SYSLOG_PORT", "-1")), true);
    assertThat(server.udpPort()).isEqualTo(-1);
    assertThat(server.tcpPort()).isEqualTo(-1);
    assertThat(server.tlsPort()).isEqualTo(-1);
  }
}
