package io.phosor.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.parse.EventParser;
import io.phosor.testkit.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every example of the Sigma correlation specification v2.1 (corpus sigma/correlation_spec/spec_examples),
 * read from the corpus as written, with events that must fire and events that must not. Examples that are
 * fragments of a rule (identification, related rules, grouping, condition) load as incomplete rules and are
 * then tested inside a complete one.
 */
class SigmaCorrelationSpecTest {
  private static final String DIR = "sigma/correlation_spec/spec_examples";

  private static String example(String name) {
    try {
      return Files.readString(Corpus.require(DIR).resolve(name));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String indent(String yaml, String by) {
    return yaml.lines().filter(l -> !l.startsWith("#")).map(l -> by + l).reduce("", (a, b) -> a + b + "\n");
  }

  private static final String FAILED = "title: failed\nid: 5638f7c0-ac70-491d-8465-2a65075e0d86\nname: failed_logon\n"
      + "detection:\n  s:\n    event.outcome: failure\n  condition: s\n";

  @Test
  void everyExampleLoadsWithAReport() throws IOException {
    try (Stream<Path> files = Files.list(Corpus.require(DIR))) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
      assertThat(all).hasSize(16);
      for (Path p : all) {
        List<SigmaRules.Report> r = SigmaRules.convert(List.of(new SigmaRules.Source(p.getFileName().toString(),
            Files.readString(p))), SigmaMapping.defaults());
        assertThat(r).as(p.toString()).isNotEmpty();
        for (SigmaRules.Report x : r) {
          assertThat(x.line()).as(p.toString()).matches(".*: (supported|unsupported: .+)");
        }
      }
    }
  }

  @Test
  void ex01Identification() {
    Harness frag = new Harness(example("01_identification.yml"));
    assertThat(frag.reports.get(0).reason()).contains("incomplete");
    assertThat(frag.reports.get(0).title()).isEqualTo("login brute force");
    Harness h = new Harness(example("01_identification.yml") + "correlation:\n  type: event_count\n  rules: [failed_logon]\n"
        + "  timespan: 1m\n  condition:\n    gte: 2\n", FAILED).allSupported();
    h.at(0, "event.outcome", "failure").at(70, "event.outcome", "failure");
    assertThat(h.alerts).isEmpty(); // 70 s apart: never 2 within 1 minute
    h.at(80, "event.outcome", "failure");
    assertThat(h.alerts).singleElement().satisfies(a -> {
      assertThat(a.ruleId()).isEqualTo("0e95725d-7320-415d-80f7-004da920fc11");
      assertThat(a.ruleName()).isEqualTo("login brute force");
    });
  }

  @Test
  void ex02RelatedRulesByIdAndByName() {
    String block = "title: block\nname: firewall_block\ndetection:\n  s:\n    event.action: block\n  condition: s\n";
    String text = example("02_related_rules.yml");
    assertThat(new Harness(text).reports.get(0).reason()).contains("no type");
    Harness h = new Harness(text.replace("correlation:\n", "correlation:\n  type: event_count\n  timespan: 10m\n"
        + "  condition:\n    gte: 2\n"), FAILED, block).allSupported();
    h.at(0, "event.outcome", "failure");
    assertThat(h.alerts).isEmpty();
    h.at(1, "event.action", "block");
    assertThat(h.fired()).containsExactly("login brute force");
    // the referenced rules raise nothing themselves (generate: false)
    assertThat(h.report("failed").rule().enabled()).isFalse();
  }

  @Test
  void ex03GroupingKeepsGroupsApart() {
    Harness h = new Harness("title: g\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 1h\n"
        + "  condition:\n    gte: 2\n" + indent(example("03_grouping.yml"), "  "), FAILED).allSupported();
    h.at(0, "event.outcome", "failure", "user.name", "a", "TargetDomainName", "D");
    h.at(1, "event.outcome", "failure", "user.name", "b", "TargetDomainName", "D");
    h.at(2, "event.outcome", "failure", "user.name", "a", "TargetDomainName", "E");
    assertThat(h.alerts).isEmpty();
    h.at(3, "event.outcome", "failure", "user.name", "a", "TargetDomainName", "D");
    assertThat(h.alerts).singleElement().satisfies(a -> assertThat(a.groupKey())
        .containsEntry("user.name", "a").containsEntry("TargetDomainName", "D"));
  }

  @Test
  void ex04ConditionGte() {
    Harness h = new Harness("title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 1h\n"
        + indent(example("04_condition.yml"), "  "), FAILED).allSupported();
    for (int i = 0; i < 99; i++) {
      h.at(i, "event.outcome", "failure");
    }
    assertThat(h.alerts).isEmpty();
    h.at(99, "event.outcome", "failure");
    assertThat(h.alerts).singleElement().satisfies(a -> assertThat(a.count()).isEqualTo(100));
  }

  @Test
  void ex05ConditionRangeDecidesWhenTheWindowCloses() {
    String rule = "title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 1h\n  group-by: [user.name]\n"
        + indent(example("05_condition.yml"), "  ");
    Harness h = new Harness(rule, FAILED).allSupported();
    for (int i = 0; i < 201; i++) {
      if (i < 150) {
        h.at(i, "event.outcome", "failure", "user.name", "in-range");
      }
      h.at(i, "event.outcome", "failure", "user.name", "too-many");
      if (i < 100) {
        h.at(i, "event.outcome", "failure", "user.name", "too-few");
      }
    }
    assertThat(h.alerts).isEmpty(); // nothing is decided before the hour is over
    h.at(3 * 3600, "message", "time passes");
    assertThat(h.alerts).singleElement().satisfies(a -> {
      assertThat(a.groupKey()).containsEntry("user.name", "in-range");
      assertThat(a.count()).isEqualTo(150);
    });
  }

  @Test
  void ex06EventCount() {
    Harness h = new Harness(example("06_event_count_event_count.yml"), FAILED).allSupported();
    for (int i = 0; i < 100; i++) {
      h.at(i * 30, "event.outcome", "failure", "host.name", i % 2 == 0 ? "pc1" : "pc2");
    }
    assertThat(h.alerts).isEmpty(); // 50 each
    for (int i = 0; i < 50; i++) {
      h.at(3000 + i, "event.outcome", "failure", "host.name", "pc1");
    }
    assertThat(h.alerts).singleElement().satisfies(a -> assertThat(a.groupKey()).containsEntry("host.name", "pc1"));
  }

  @Test
  void ex07ValueCount() {
    Harness h = new Harness(example("07_value_count_value_count.yml"), FAILED).allSupported();
    for (int i = 0; i < 99; i++) {
      h.at(i, "event.outcome", "failure", "host.name", "pc1", "source.domain", "ws1", "user.name", "u" + i);
      h.at(i, "event.outcome", "failure", "host.name", "pc1", "source.domain", "ws1", "user.name", "u0");
    }
    assertThat(h.alerts).isEmpty();
    h.at(100, "event.outcome", "failure", "host.name", "pc1", "source.domain", "ws1", "user.name", "u99");
    assertThat(h.alerts).singleElement().satisfies(a -> assertThat(a.summary()).contains("100 distinct user.name"));
  }

  private static String recon(String name, String cmd) {
    return "title: " + name + "\nname: " + name + "\ndetection:\n  s:\n    process.command_line|contains: " + cmd
        + "\n  condition: s\n";
  }

  @Test
  void ex08Temporal() {
    Harness h = new Harness("title: recon\n" + example("08_temporal_proximity_temporal.yml"),
        recon("recon_cmd_a", "whoami"), recon("recon_cmd_b", "ipconfig"), recon("recon_cmd_c", "net user"))
        .allSupported();
    h.at(0, "process.command_line", "whoami", "host.name", "pc", "user.name", "u");
    h.at(10, "process.command_line", "net user", "host.name", "pc", "user.name", "u");
    h.at(20, "process.command_line", "ipconfig", "host.name", "pc", "user.name", "other");
    assertThat(h.alerts).isEmpty();
    h.at(400, "process.command_line", "ipconfig", "host.name", "pc", "user.name", "u"); // whoami too old
    assertThat(h.alerts).isEmpty();
    h.at(410, "process.command_line", "whoami", "host.name", "pc", "user.name", "u");
    h.at(420, "process.command_line", "net user", "host.name", "pc", "user.name", "u");
    assertThat(h.fired()).containsExactly("recon");
  }

  private static final String MANY_FAILED = "title: many\nname: many_failed_logins\ncorrelation:\n  type: event_count\n"
      + "  rules: [failed_logon]\n  group-by: [User]\n  timespan: 10m\n  condition:\n    gte: 3\n";
  private static final String SUCCESS = "title: ok\nname: successful_login\ndetection:\n  s:\n    event.outcome: success\n"
      + "  condition: s\n";

  @Test
  void ex09TemporalOrderedOverACorrelation() {
    Harness h = new Harness("title: brute then in\n" + example("09_ordered_temporal_proximity_temporal_ordered.yml"),
        MANY_FAILED, SUCCESS, FAILED).allSupported();
    h.at(0, "event.outcome", "success", "user.name", "eve");
    for (int i = 1; i <= 3; i++) {
      h.at(i, "event.outcome", "failure", "user.name", "eve");
    }
    assertThat(h.alerts).isEmpty(); // success came first; the inner correlation is silent (generate: false)
    h.at(10, "event.outcome", "success", "user.name", "bob");
    assertThat(h.alerts).isEmpty();
    h.at(20, "event.outcome", "success", "user.name", "eve");
    assertThat(h.alerts).singleElement().satisfies(a -> {
      assertThat(a.ruleName()).isEqualTo("brute then in");
      assertThat(a.groupKey()).containsEntry("user.name", "eve");
      assertThat(a.eventIds()).hasSize(4);
    });
  }

  private static final String WEB = "title: web\nname: website_access\nid: rule_a_id\nname: website_access\n"
      .replace("name: website_access\nid", "id") + "detection:\n  s:\n    event.category: web\n  condition: s\n";

  @Test
  void ex10ValueSum() {
    Harness h = new Harness(example("10_value_sum_value_sum.yml"), WEB).allSupported();
    h.at(0, "event.category", "web", "source.ip", "10.0.0.1", "user.name", "u", "source.bytes", 600_000);
    h.at(1, "event.category", "web", "source.ip", "10.0.0.2", "user.name", "u", "source.bytes", 600_000);
    assertThat(h.alerts).isEmpty();
    h.at(4000, "event.category", "web", "source.ip", "10.0.0.1", "user.name", "u", "source.bytes", 600_000);
    assertThat(h.alerts).isEmpty(); // the first is more than an hour old
    h.at(4001, "event.category", "web", "source.ip", "10.0.0.1", "user.name", "u", "source.bytes", 500_000);
    assertThat(h.alerts).singleElement().satisfies(a -> assertThat(a.summary()).contains("1100000"));
  }

  @Test
  void ex11ValueAvg() {
    Harness h = new Harness(example("11_value_average_value_avg.yml"), WEB).allSupported();
    h.at(0, "event.category", "web", "source.ip", "10.0.0.1", "user.name", "u", "source.bytes", 1000);
    h.at(1, "event.category", "web", "source.ip", "10.0.0.1", "user.name", "u", "source.bytes", 100);
    h.at(0, "event.category", "web", "source.ip", "10.0.0.2", "user.name", "u", "source.bytes", 400);
    h.at(1, "event.category", "web", "source.ip", "10.0.0.2", "user.name", "u", "source.bytes", 500);
    assertThat(h.alerts).isEmpty();
    h.at(25 * 3600, "message", "a day later");
    assertThat(h.alerts).singleElement().satisfies(a -> {
      assertThat(a.groupKey()).containsEntry("source.ip", "10.0.0.1");
      assertThat(a.summary()).contains("average source.bytes 550");
    });
  }

  @Test
  void ex12ValuePercentile() {
    String proc = "title: p\nname: process_creation\ndetection:\n  s:\n    image|exists: true\n  condition: s\n";
    Harness h = new Harness(example("12_value_percentile_value_percentile.yml"), proc).allSupported();
    for (int i = 0; i < 200; i++) {
      h.at(i, "image", "common.exe", "host.name", "pc1");
      h.at(i, "image", i % 2 == 0 ? "a.exe" : "b.exe", "host.name", "pc2");
    }
    h.at(300, "image", "rare.exe", "host.name", "pc1");
    h.at(90_000, "message", "a day later");
    assertThat(h.alerts).singleElement().satisfies(a -> {
      assertThat(a.groupKey()).containsEntry("host.name", "pc1");
      assertThat(a.summary()).contains("image=rare.exe");
    });
  }

  @Test
  void ex13to15AliasesMapOneGroupOntoDifferentFields() {
    Harness h = new Harness(example("13_field_name_aliases_example.yml"), example("14_field_name_aliases_example.yml"),
        example("15_field_name_aliases_example.yml"));
    assertThat(h.reports).hasSize(3);
    assertThat(h.reports.get(0).reason()).contains("title is missing"); // the spec's snippets have names only
    String err = "title: internal_error\n" + example("13_field_name_aliases_example.yml");
    String conn = "title: new_network_connection\n" + example("14_field_name_aliases_example.yml");
    h = new Harness(err, conn, example("15_field_name_aliases_example.yml")).allSupported();
    h.at(0, "http.response.status_code", 500, "destination.ip", "10.0.0.5", "source.ip", "203.0.113.9");
    h.at(1, "event.category", "network", "event.type", "connection", "event.outcome", "success",
        "source.ip", "203.0.113.9", "destination.ip", "10.0.0.5"); // reversed roles: not the same pair
    assertThat(h.alerts).isEmpty();
    h.at(2, "event.category", "network", "event.type", "connection", "event.outcome", "success",
        "source.ip", "10.0.0.5", "destination.ip", "203.0.113.9");
    assertThat(h.alerts).singleElement().satisfies(a -> assertThat(a.groupKey())
        .containsEntry("internal_ip", "10.0.0.5").containsEntry("remote_ip", "203.0.113.9"));
  }

  @Test
  void ex16FailedLoginsThenSuccessAsWritten() {
    Harness h = new Harness(example("16_failed_logins_followed_by_successful_login.yml")).allSupported();
    for (int i = 0; i < 9; i++) {
      h.at(i, "event.code", 4625, "user.name", "alice");
    }
    h.at(20, "event.code", 4624, "user.name", "alice");
    assertThat(h.alerts).isEmpty(); // 9 failures are not "multiple" (gte 10)
    for (int i = 0; i < 10; i++) {
      h.at(30 + i, "event.code", 529, "user.name", "bob");
    }
    h.at(50, "event.code", 4624, "user.name", "bob");
    assertThat(h.alerts).singleElement().satisfies(a -> {
      assertThat(a.ruleId()).isEqualTo("b180ead8-d58f-40b2-ae54-c8940995b9b6");
      assertThat(a.severity().label()).isEqualTo("high");
      assertThat(a.groupKey()).containsEntry("user.name", "bob");
    });
  }

  /** The spec's chain, with its two base rules written for Linux sshd, over real sshd lines. */
  @Test
  void ex16OnRealSshdLines() {
    String text = example("16_failed_logins_followed_by_successful_login.yml");
    String[] docs = text.split("(?m)^---\\s*$");
    String failed = "title: Single failed login\nname: failed_login\nlogsource:\n  product: linux\n  service: sshd\n"
        + "detection:\n  keywords:\n    - 'Failed password'\n  condition: keywords\n";
    String ok = "title: Successful login\nname: successful_login\nlogsource:\n  product: linux\n  service: sshd\n"
        + "detection:\n  keywords:\n    - 'Accepted password'\n  condition: keywords\n";
    Harness h = new Harness(docs[0], docs[1], failed, ok).allSupported();
    EventParser parser = new EventParser(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
    for (int i = 0; i < 10; i++) {
      h.event(line(parser, String.format("Nov 21 10:00:%02d web1 sshd[4%03d]: Failed password for root from 203.0.113.7 "
          + "port 5%04d ssh2", i * 3, i, i)));
    }
    h.event(line(parser, "Nov 21 10:00:40 web1 sshd[4999]: Accepted password for alice from 198.51.100.2 port 50000 ssh2"));
    assertThat(h.alerts).isEmpty(); // another user
    h.event(line(parser, "Nov 21 10:01:00 web1 sshd[5000]: Accepted password for root from 203.0.113.7 port 50001 ssh2"));
    assertThat(h.alerts).singleElement().satisfies(a -> {
      assertThat(a.ruleName()).isEqualTo("Correlation - Multiple Failed Logins Followed by Successful Login");
      assertThat(a.groupKey()).containsEntry("user.name", "root");
      assertThat(a.eventIds()).hasSize(11);
    });
  }

  private static Event line(EventParser p, String l) {
    return p.parseText("syslog", null, ZoneOffset.UTC, Instant.parse("2026-11-21T12:00:00Z"), l);
  }
}
