package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleTestRunnerTest {
  private static final Path BENCH_RULES = Path.of("..", "bench", "rules");

  private static RuleTestRunner benchRunner() {
    Map<String, Rule> byId = new LinkedHashMap<>();
    RuleFiles.load(BENCH_RULES).forEach(l -> byId.put(l.rule().id(), l.rule()));
    return new RuleTestRunner(byId, true);
  }

  @Test
  void theBenchProbesPassAgainstTheBenchRules() throws Exception {
    RuleTestRunner runner = benchRunner();
    List<RuleTestRunner.Case> cases =
        RuleTestRunner.parseFile(Files.readString(BENCH_RULES.resolve("probes.test.yml")), "probes.test.yml");
    assertThat(cases).hasSizeGreaterThan(10);
    for (RuleTestRunner.Case c : cases) {
      RuleTestRunner.Result r = runner.run(c);
      assertThat(r.problems()).as(c.name() + " alerts " + r.alerts()).isEmpty();
    }
  }

  @Test
  void aWrongExpectationFailsWithTheDifference() {
    String test = """
        name: four failures are not enough
        rule: R2
        year: 2024
        lines: |
          <38>Nov 21 23:30:00 srv1 sshd[100]: Failed password for root from 192.0.2.7 port 4242 ssh2
          <38>Nov 21 23:30:01 srv1 sshd[100]: Failed password for root from 192.0.2.7 port 4242 ssh2
          <38>Nov 21 23:30:02 srv1 sshd[100]: Failed password for root from 192.0.2.7 port 4242 ssh2
          <38>Nov 21 23:30:03 srv1 sshd[100]: Failed password for root from 192.0.2.7 port 4242 ssh2
          <38>Nov 21 23:30:04 srv1 sshd[100]: Failed password for root from 192.0.2.7 port 4242 ssh2
        expect:
          - count: 4
            group: {source.ip: 192.0.2.8}
        """;
    RuleTestRunner.Result r = benchRunner().run(RuleTestRunner.parseFile(test, "t.test.yml").get(0));
    assertThat(r.passed()).isFalse();
    assertThat(r.problems()).containsExactly("alert 1: count: expected 4, got 5",
        "alert 1: group source.ip: expected 192.0.2.8, got 192.0.2.7 (group {source.ip=192.0.2.7})");
  }

  @Test
  void anInlineRuleAndJsonEventsWork() {
    String test = """
        name: inline pattern over a webhook event
        rule: {name: Root login, type: pattern, severity: high, config: {match: {field: user.name, equals: root}}}
        events:
          - {"message": "login", "user": "root", "@timestamp": "2024-11-21T23:30:00Z"}
          - {"message": "login", "user": "alice", "@timestamp": "2024-11-21T23:30:01Z"}
        expect:
          - {event_ids: [1], severity: high}
        """;
    RuleTestRunner.Result r = new RuleTestRunner(Map.of(), true).run(RuleTestRunner.parseFile(test, "t").get(0));
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void anUnknownRuleIdIsAFailureNamingTheId() {
    String test = "name: x\nrule: nope\nlines: a\nexpect: []\n";
    RuleTestRunner.Result r = new RuleTestRunner(Map.of(), true).run(RuleTestRunner.parseFile(test, "t").get(0));
    assertThat(r.passed()).isFalse();
    assertThat(r.problems().get(0)).contains("no rule with id \"nope\"");
  }

  @Test
  void aTestFileWithATypoIsRejectedWithTheKey() {
    assertThatThrownBy(() -> RuleTestRunner.parseFile("name: x\nrule: r\nexpects: []\n", "t.test.yml"))
        .isInstanceOf(RuleSetException.class).hasMessageContaining("unknown key 'expects'");
  }
}
