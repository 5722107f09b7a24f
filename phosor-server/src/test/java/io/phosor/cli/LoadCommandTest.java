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
