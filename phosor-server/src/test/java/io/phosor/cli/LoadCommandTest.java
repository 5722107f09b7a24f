package io.phosor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadCommandTest {
  @TempDir
  Path data;

  @Test
  void loadOverTcpAndHttpReportsTheSendersAndTheServersCounts() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "0"))) {
      Path api = Files.writeString(data.resolve("api.tok"), t.server().apiToken());
      Path ingest = Files.writeString(data.resolve("ingest.tok"), TestServer.INGEST_TOKEN);
      String port = Integer.toString(t.server().httpPort());
      String tcp = run("load", "--protocol", "tcp", "--port", Integer.toString(t.server().syslogTcpPort()),
          "--count", "2000", "--api-token-file", api.toString(), "--stats-port", port);
      assertThat(tcp).contains("2,000 accepted, 0 refused, 0 errors")
          .contains("server: received 2,000, journaled 2,000, rate-limited 0, dropped 0");
      String http = run("load", "--protocol", "http", "--port", port, "--count", "1000", "--batch", "100",
          "--token-file", ingest.toString(), "--api-token-file", api.toString(), "--stats-port", port);
      assertThat(http).contains("1,000 accepted").contains("server: received 1,000, journaled 1,000");
    }
  }

  @Test
  void markersReportEventToAlertLatencyInTextAndJson() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "0", "PHOSOR_BUILTIN_RULES", "false"))) {
      Path api = Files.writeString(data.resolve("api.tok"), t.server().apiToken() + "\n");
      String port = Integer.toString(t.server().httpPort());
      String tcp = run("load", "--protocol", "tcp", "--port", Integer.toString(t.server().syslogTcpPort()),
          "--count", "1000", "--rate", "2000", "--marker-every", "50", "--api-token-file", api.toString(),
          "--stats-port", port);
      assertThat(tcp).contains("markers (every 50 events): 20 sent, 20 alerts received, 0 missing; "
          + "alerts raised in total: 20; event-to-alert latency p50 ").contains("alerts stored 20");
      String json = run("load", "--protocol", "udp", "--port", Integer.toString(t.server().syslogUdpPort()),
          "--count", "500", "--rate", "1000", "--marker-every", "100", "--api-token-file", api.toString(),
          "--stats-port", port, "--json");
      com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(json.lines().filter(l -> l.startsWith("{\"protocol\"")).findFirst().orElseThrow()).get("markers");
      assertThat(m.get("sent").asLong()).isEqualTo(5);
      assertThat(m.get("alerts_received").asLong() + m.get("missing").asLong()).isEqualTo(5);
      assertThat(m.get("latency_ms").get("p99").asLong()).isGreaterThanOrEqualTo(m.get("latency_ms").get("p50").asLong());
    }
  }

  @Test
  void markersWithoutAnApiTokenAreAClearError() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    int missingFile;
    try {
      code = Main.run("load", "--protocol", "tcp", "--port", "5140", "--count", "10", "--marker-every", "5");
      missingFile = Main.run("load", "--protocol", "tcp", "--port", "5140", "--count", "10", "--api-token-file",
          data.resolve("nope.token").toString());
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(missingFile).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--marker-every needs the API token").contains("--api-token-file data/secrets/api.token")
        .contains("nope.token");
  }

  @Test
  void badOptionsGetOneClearLine() {
    assertThat(Main.run("load", "--protocol", "http", "--port", "8000", "--batch", "0")).isEqualTo(2);
  }

  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(args)).isZero();
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    return out;
  }
}
