package io.phosor.ingest.gelf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.journal.Journal;
import io.phosor.parse.EventParser;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.redact.Redactor;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import io.phosor.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GelfServerTest {
  private static final String LOCALHOST = "127.0.0.1";

  @TempDir
  Path tmp;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SourceStats stats = new SourceStats(registry);
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private Pipeline pipeline;
  private GelfServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (pipeline != null) {
      pipeline.shutdown(Duration.ofSeconds(5));
    }
  }

  private PhosorConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PHOSOR_DATA_DIR", tmp.resolve("data").toString());
    env.put("PHOSOR_GELF_HOST", LOCALHOST);
    env.put("PHOSOR_GELF_PORT", "0");
    env.putAll(extra);
    return ConfigLoader.load(null, env);
  }

  private GelfServer start(PhosorConfig config, Clock clock) throws Exception {
    Journal journal = Journal.open(tmp.resolve("journal"), config.journalSegmentBytes());
    pipeline = new Pipeline(config, new EventParser(clock), new Redactor(config.redact()), journal, stats, registry,
        clock);
    pipeline.addSink(events::addAll);
    pipeline.start();
    server = new GelfServer(config.inputs(), pipeline, stats,
        new ReputationLimiter(config.rateLimitPerSecond(), config.rateLimitBurst(), clock), registry, clock);
    server.start();
    return server;
  }

  private GelfServer start(Map<String, String> extra) throws Exception {
    return start(config(extra), Clock.systemUTC());
  }

  private SourceCounters counters() {
    return stats.source("gelf", "gelf:" + LOCALHOST);
  }

  private double meter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private double pending() {
    return registry.get("phosor_gelf_chunked_pending").gauge().value();
  }

  private static String gelf(String shortMessage, String extra) {
    return "{\"version\":\"1.1\",\"host\":\"app1\",\"short_message\":\"" + shortMessage + "\",\"timestamp\":"
        + "1795304412.25,\"level\":3" + extra + "}";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private static byte[] zlib(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new DeflaterOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  /** Cuts {@code message} into GELF chunks of at most {@code size} bytes with message id {@code id}. */
  private static List<byte[]> chunks(byte[] message, int size, long id) {
    int count = (message.length + size - 1) / size;
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int from = i * size;
      int len = Math.min(size, message.length - from);
      out.add(chunk(id, i, count, Arrays.copyOfRange(message, from, from + len)));
    }
    return out;
  }

  private static byte[] chunk(long id, int seq, int count, byte[] part) {
    ByteBuffer b = ByteBuffer.allocate(12 + part.length);
    b.put((byte) 0x1e).put((byte) 0x0f).putLong(id).put((byte) seq).put((byte) count).put(part);
    return b.array();
  }

  private void udp(byte[]... datagrams) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      for (byte[] d : datagrams) {
        socket.send(new DatagramPacket(d, d.length, InetAddress.getByName(LOCALHOST), server.udpPort()));
      }
    }
  }

  private List<String> messages() {
    return events.stream().map(e -> String.valueOf(e.get(Fields.MESSAGE))).toList();
  }

  @Test
  void gelfIsOffUnlessAPortIsSet() throws Exception {
    PhosorConfig c = ConfigLoader.load(null, Map.of("PHOSOR_DATA_DIR", tmp.resolve("data").toString()));
    assertThat(c.inputs().gelfEnabled()).isFalse();
    start(c, Clock.systemUTC());
    assertThat(server.udpPort()).isEqualTo(-1);
    assertThat(server.tcpPort()).isEqualTo(-1);
  }

  @Test
  void plainGzipAndZlibDatagramsAndNulFramedTcpAllBecomeEventsWithTheSenderAddress() throws Exception {
    start(Map.of());
    assertThat(server.udpPort()).isPositive().isEqualTo(server.tcpPort());
    udp(utf8(gelf("plain datagram", ",\"_app\":\"shop\"")), gzip(utf8(gelf("gzip datagram", ""))),
        zlib(utf8(gelf("zlib datagram", ""))));
    try (Socket s = new Socket(LOCALHOST, server.tcpPort())) {
      s.getOutputStream().write(utf8(gelf("tcp one", "") + "\0" + gelf("tcp two", "") + "\n\0\0"));
      s.getOutputStream().flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 5);
    }
    assertThat(messages()).containsExactlyInAnyOrder("plain datagram", "gzip datagram", "zlib datagram", "tcp one",
        "tcp two");
    for (Event e : events) {
      assertThat(e.source()).isEqualTo("gelf");
      assertThat(e.sourceAddress()).isEqualTo(LOCALHOST);
      assertThat(e.get(Fields.PARSER)).isEqualTo("gelf");
      assertThat(e.get(Fields.HOST_NAME)).isEqualTo("app1");
      assertThat(e.get(Fields.SEVERITY)).isEqualTo("high");
      assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-21T23:40:12.250Z"));
      assertThat(e.seq()).isPositive();
    }
    assertThat(events.stream().filter(e -> "shop".equals(e.get("app"))).count()).isEqualTo(1);
    assertThat(counters().receivedCount()).isEqualTo(5);
    assertThat(counters().parsedCount()).isEqualTo(5);
  }

  @Test
  void aChunkedGzipMessageArrivingOutOfOrderIsReassembled() throws Exception {
    start(Map.of());
    StringBuilder big = new StringBuilder();
    Random random = new Random(42);
    for (int i = 0; i < 3000; i++) {
      big.append(Integer.toHexString(random.nextInt())).append(' ');
    }
    byte[] compressed = gzip(utf8(gelf("chunked", ",\"_payload\":\"" + big + "\"")));
    List<byte[]> parts = chunks(compressed, 1024, 0x1122334455667788L);
    assertThat(parts.size()).isBetween(10, 128);
    Collections.reverse(parts);
    udp(parts.get(3)); // a duplicate is ignored
    udp(parts.toArray(byte[][]::new));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
    Event e = events.get(0);
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("chunked");
    assertThat(e.get("payload")).isEqualTo(big.toString());
    assertThat(counters().receivedCount()).isEqualTo(1);
    // and a second message from the same sender with another id still works
    udp(chunks(utf8(gelf("two chunks", "")), 40, 7L).toArray(byte[][]::new));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
    assertThat(events.get(1).get(Fields.MESSAGE)).isEqualTo("two chunks");
  }

  @Test
  void anIncompleteChunkedMessageExpiresAfterFiveSecondsAndIsCounted() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-21T23:00:00Z"));
    start(config(Map.of()), clock);
    List<byte[]> parts = chunks(utf8(gelf("never complete", "")), 30, 99L);
    udp(parts.get(0), parts.get(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> pending() == 1);
    clock.advance(Duration.ofMillis(4_900));
    Thread.sleep(1_500); // the expiry check runs every second: at 4.9 s nothing may expire
    assertThat(meter("phosor_gelf_incomplete_expired")).isZero();
    clock.advance(Duration.ofMillis(200));
    await().atMost(Duration.ofSeconds(10)).until(() -> meter("phosor_gelf_incomplete_expired") == 1);
    // the rest arrives too late: it starts a new message, which never completes either
    assertThat(pending()).isZero();
    udp(parts.subList(2, parts.size()).toArray(byte[][]::new));
    await().atMost(Duration.ofSeconds(10)).until(() -> pending() == 1);
    assertThat(events).isEmpty();
    clock.advance(Duration.ofSeconds(6));
    await().atMost(Duration.ofSeconds(10)).until(() -> meter("phosor_gelf_incomplete_expired") == 2);
    assertThat(pending()).isZero();
    assertThat(events).isEmpty();
    assertThat(counters().receivedCount()).as("an incomplete message was never received").isZero();
  }

  @Test
  void malformedChunksDamagedCompressionAndBombsAreCountedAndSkipped() throws Exception {
    start(Map.of("PHOSOR_GELF_MAX_MESSAGE_BYTES", "65536"));
    byte[] part = utf8("{\"version\":");
    udp(chunk(1L, 0, 0, part), chunk(2L, 0, 129, part), chunk(3L, 5, 5, part), new byte[] {0x1e, 0x0f, 1, 2, 3});
    await().atMost(Duration.ofSeconds(10)).until(() -> meter("phosor_gelf_rejected", "reason", "bad_chunk") == 4);
    // a chunk that disagrees with its message's count
    udp(chunk(4L, 0, 3, part), chunk(4L, 1, 2, part));
    await().atMost(Duration.ofSeconds(10)).until(() -> meter("phosor_gelf_rejected", "reason", "bad_chunk") == 5);
    byte[] damaged = gzip(utf8(gelf("damaged", "")));
    damaged[damaged.length / 2] ^= 0x55;
    damaged[damaged.length / 2 + 1] ^= 0x55;
    udp(damaged);
    await().atMost(Duration.ofSeconds(10)).until(() -> meter("phosor_gelf_rejected", "reason", "bad_compression") == 1);
    // 1 MiB of spaces compresses to about 1 KiB: inflating stops at the 64 KiB limit
    byte[] bomb = gzip(utf8(gelf("bomb", ",\"_pad\":\"" + " ".repeat(1 << 20) + "\"")));
    assertThat(bomb.length).isLessThan(8192);
    udp(bomb);
    await().atMost(Duration.ofSeconds(10)).until(() -> counters().oversizedCount() == 1);
    // chunks adding up to more than the limit
    byte[] large = utf8(gelf("large", ",\"_pad\":\"" + "x".repeat(70_000) + "\""));
    udp(chunks(large, 8000, 5L).toArray(byte[][]::new));
    await().atMost(Duration.ofSeconds(10)).until(() -> counters().oversizedCount() == 2);
    assertThat(meter("phosor_gelf_frames_oversized", "transport", "udp")).isEqualTo(2);
    // none of it cost the sender anything else: a good message still goes through
    udp(gzip(utf8(gelf("still fine", ""))));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
    assertThat(events.get(0).get(Fields.MESSAGE)).isEqualTo("still fine");
  }

  @Test
  void anOversizedTcpFrameIsCountedAndSkippedAndTheConnectionSurvives() throws Exception {
    start(Map.of("PHOSOR_GELF_MAX_MESSAGE_BYTES", "4096"));
    try (Socket s = new Socket(LOCALHOST, server.tcpPort())) {
      OutputStream out = s.getOutputStream();
      out.write(utf8(gelf("before", "") + "\0" + gelf("huge", ",\"_pad\":\"" + "y".repeat(10_000) + "\"") + "\0"
          + gelf("after", "") + "\0"));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
      assertThat(messages()).containsExactly("before", "after");
      assertThat(counters().oversizedCount()).isEqualTo(1);
      assertThat(meter("phosor_gelf_frames_oversized", "transport", "tcp")).isEqualTo(1);
      // an oversized frame split over several writes, then more on the same connection
      out.write(utf8("{\"version\":\"1.1\",\"short_message\":\"" + "z".repeat(3000)));
      out.flush();
      out.write(utf8("z".repeat(3000) + "\"}\0" + gelf("still connected", "") + "\0"));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
      assertThat(messages()).containsExactly("before", "after", "still connected");
      assertThat(counters().oversizedCount()).isEqualTo(2);
    }
  }

  @Test
  void textThatIsNotGelfIsKeptWithItsRawTextAndBrokenJsonIsAParseFailure() throws Exception {
    start(Map.of());
    udp(utf8("plain text, not GELF"), utf8("{\"version\":\"1.1\",\"short_message\":"));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
    Event plain = events.stream().filter(e -> !e.parseFailed()).findFirst().orElseThrow();
    assertThat(plain.original()).isEqualTo("plain text, not GELF");
    Event broken = events.stream().filter(Event::parseFailed).findFirst().orElseThrow();
    assertThat(broken.original()).isEqualTo("{\"version\":\"1.1\",\"short_message\":");
    assertThat(counters().parseFailureCount()).isEqualTo(1);
  }

  @Test
  void theRateLimiterAndRedactionApplyAsForEveryOtherInput() throws Exception {
    start(Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "1", "PHOSOR_RATE_LIMIT_BURST", "2"));
    List<byte[]> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      many.add(utf8(gelf("card 4111 1111 1111 1111 try " + i, "")));
    }
    udp(many.toArray(byte[][]::new));
    await().atMost(Duration.ofSeconds(10)).until(() -> counters().receivedCount() == 20
        && counters().rateLimitedCount() + events.size() == 20);
    assertThat(counters().rateLimitedCount()).isGreaterThanOrEqualTo(17);
    assertThat(events).isNotEmpty().allSatisfy(e -> {
      assertThat((String) e.get(Fields.MESSAGE)).contains("[CARD-REDACTED]").doesNotContain("4111 1111");
      assertThat(e.original()).doesNotContain("4111 1111");
    });
  }
}
