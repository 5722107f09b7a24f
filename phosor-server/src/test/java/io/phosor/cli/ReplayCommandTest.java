package io.phosor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {
  private static final String BENCH_RULES = Path.of("..", "bench", "rules").toString();

  @TempDir
  Path dir;

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int status = Main.run(args);
      return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private Path log() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      lines.add("<38>Nov 21 23:30:0" + i + " srv1 sshd[100]: Failed password for root from 203.0.113.7 port 4242 ssh2");
    }
    lines.add("");
    lines.add("<38>Nov 21 23:30:09 srv1 sshd[101]: Accepted password for root from 203.0.113.7 port 4243 ssh2");
    lines.add("{\"message\": \"Failed password for bob\", \"@timestamp\": \"2024-11-21T23:30:10Z\"}");
    return Files.write(dir.resolve("auth.log"), lines);
  }

  @Test
  void replayPrintsOneJsonAlertPerLineWithLineNumbersAndASummary() throws Exception {
    Run r = run("replay", "--no-builtin", "--rules", BENCH_RULES, "--year", "2024", log().toString());
    assertThat(r.status()).as(r.err()).isZero();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> alerts = new ArrayList<>();
    for (String l : r.out().split("\n")) {
      alerts.add(json.readTree(l));
    }
    // R1 on lines 1-5 and on the JSON line 8; R2 on line 5; R3 on line 7.
    assertThat(alerts).extracting(a -> a.get("rule").asText() + "@" + a.get("event_ids").get(a.get("event_ids").size() - 1))
        .containsExactlyInAnyOrder("R1@1", "R1@2", "R1@3", "R1@4", "R1@5", "R2@5", "R3@7", "R1@8");
    JsonNode r2 = alerts.stream().filter(a -> a.get("rule").asText().equals("R2")).findFirst().orElseThrow();
    assertThat(r2.get("first_seen").asText()).isEqualTo("2024-11-21T23:30:00Z");
    assertThat(r2.get("group").get("source.ip").asText()).isEqualTo("203.0.113.7");
    assertThat(r.err()).contains("7 events").contains("alerts_per_rule R1=6 R2=1 R3=1").contains("process_ms=");
  }

  @Test
  void tsvAlertsGoToTheAlertsFile() throws Exception {
    Path out = dir.resolve("alerts.tsv");
    Run r = run("replay", "--no-builtin", "--rules", BENCH_RULES, "--year", "2024", "--alerts-format", "tsv",
        "--alerts-out", out.toString(), log().toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readAllLines(out)).contains("R2\t5", "R3\t7", "R1\t8");
  }

  @Test
  void aBadRuleStopsWithExit2AndOneLineNamingTheFileAndRule() throws Exception {
    Path rules = Files.writeString(dir.resolve("bad.yml"),
        "name: Broken\ntype: threshold\nseverity: high\nconfig: {match: {field: message, contains: x}, count: 0, window_seconds: 60}\n");
    Run r = run("replay", "--no-builtin", "--rules", rules.toString(), log().toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("phosor replay: " + rules).contains("count").doesNotContain("\n");
  }

  @Test
  void aMissingLogFileIsAnOptionError() {
    Run r = run("replay", "--no-builtin", "--rules", BENCH_RULES, dir.resolve("nope.log").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("nope.log: no such readable file");
  }
}
