package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.phosor.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code phosor user} against the database of a running server, SQLite and PostgreSQL. */
class UserCommandEndToEndTest {
  @TempDir
  Path data;

  @Test
  void accountsAddedAndChangedWhileTheServerRunsWorkAtOnceOnSqlite() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      check(t, Files.writeString(data.resolve("phosor.yml"), "data_dir: " + data + "\n"));
    }
  }

  @Test
  void accountsAddedAndChangedWhileTheServerRunsWorkAtOnceOnPostgresql() throws Exception {
    try (TestDatabases db = TestDatabases.schema("UserCommandEndToEndTest");
        TestServer t = TestServer.start(data, Map.of("PHOSOR_DATABASE_URL", db.url(null)))) {
      check(t, Files.writeString(data.resolve("phosor.yml"), "data_dir: " + data + "\ndatabase:\n  url: \""
          + db.url(null) + "\"\n"));
    }
  }

  private static void check(TestServer t, Path yml) throws Exception {
    assertThat(user("correct horse battery staple\n", "add", "carol", "--role", "analyst", "--password-stdin",
        "--config", yml.toString())).isZero();
    String token = "Bearer " + t.token("carol", "correct horse battery staple");
    assertThat(t.request("POST", "/api/alerts/999/acknowledge", token, null, null).statusCode()).isEqualTo(404);
    assertThat(user("another long password\n", "passwd", "carol", "--password-stdin", "--config", yml.toString()))
        .isZero();
    // the server's account cache holds for at most 5 seconds
    await().atMost(Duration.ofSeconds(10)).until(() -> t.get("/api/alerts", token).statusCode() == 401);
    assertThat(t.loginRequest("carol", "another long password").statusCode()).isEqualTo(200);
    assertThat(user("", "list", "--config", yml.toString())).isZero();
  }

  private static int user(String stdin, String... args) {
    InputStream in = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "user";
      System.arraycopy(args, 0, all, 1, args.length);
      return Main.run(all);
    } finally {
      System.setIn(in);
    }
  }
}
