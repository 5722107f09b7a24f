package io.phosor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserCommandTest {
  @TempDir
  Path dir;
  private Path yml;

  /** What one run of the command printed and returned. */
  record Run(int status, String out, String err) {}

  @BeforeEach
  void config() throws Exception {
    yml = Files.writeString(dir.resolve("phosor.yml"), "data_dir: " + dir.resolve("data") + "\n");
  }

  @Test
  void addListAndPasswdWorkOnTheConfiguredDatabase() {
    Run add = run("correct horse battery staple\n", "user", "add", "alice", "--role", "analyst", "--password-stdin",
        "--config", yml.toString());
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(add.out()).contains("created alice (analyst)");
    assertThat(Files.isRegularFile(dir.resolve("data").resolve("phosor.db"))).isTrue();
    Run list = run("", "user", "list", "--config", yml.toString());
    assertThat(list.out()).contains("USER").containsPattern("alice\\s+analyst\\s+enabled\\s+never");
    assertThat(list.out()).doesNotContain("argon2").doesNotContain("Hikari");
    Run passwd = run("another long password\r\n", "user", "passwd", "ALICE", "--password-stdin", "--config",
        yml.toString());
    assertThat(passwd.status()).as(passwd.err()).isZero();
    assertThat(passwd.out()).contains("password of alice changed");
  }

  @Test
  void mistakesGetOneClearLineAndAStatus() {
    String c = yml.toString();
    assertThat(run("x\n", "user", "add", "bob", "--role", "viewer", "--password-stdin", "--config", c).err())
        .contains("password must be at least 12 characters");
    assertThat(run("correct horse battery staple\n", "user", "add", "bob", "--role", "root", "--password-stdin",
        "--config", c).err()).contains("role must be one of viewer, analyst, admin");
    assertThat(run("correct horse battery staple\n", "user", "add", "admin-token", "--role", "viewer",
        "--password-stdin", "--config", c).err()).contains("reserved");
    assertThat(run("correct horse battery staple\n", "user", "passwd", "nobody", "--password-stdin", "--config", c)
        .err()).contains("user nobody does not exist");
    // no terminal in a test: the command says how to pass the password instead
    Run noTty = run("", "user", "add", "bob", "--role", "viewer", "--config", c);
    assertThat(noTty.status()).isEqualTo(1);
    assertThat(noTty.err()).contains("--password-stdin");
    assertThat(run("correct horse battery staple\n", "user", "add", "bob", "--role", "viewer", "--password-stdin",
        "--config", c).status()).isZero();
    Run twice = run("correct horse battery staple\n", "user", "add", "BOB", "--role", "viewer", "--password-stdin",
        "--config", c);
    assertThat(twice.status()).isEqualTo(1);
    assertThat(twice.err()).contains("already exists");
    assertThat(run("", "user", "list", "--config", dir.resolve("missing.yml").toString()).status()).isEqualTo(2);
  }

  static Run run(String stdin, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    int status;
    try {
      status = Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
      System.setIn(in);
    }
    return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }
}
