package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Severity;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleParserTest {
  static final String SEED_PATTERN = """
      {
        "name": "Failed SSH Login",
        "type": "pattern",
        "severity": "warning",
        "config": {
          "field": "raw",
          "regex": "Failed password",
          "case_sensitive": false
        }
      }""";
  static final String SEED_THRESHOLD = """
      {
        "name": "Brute Force Detection",
        "type": "threshold",
        "severity": "critical",
        "config": {
          "field": "parsed.event_type",
          "value": "auth_fail",
          "count": 5,
          "window_seconds": 60
        }
      }""";
  static final String SEED_CORRELATION = """
      {
        "name": "Compromised Account",
        "type": "correlation",
        "severity": "critical",
        "config": {
          "conditions": [
            {"field": "parsed.event_type", "value": "auth_fail"},
            {"field": "parsed.event_type", "value": "privileged_access"}
          ],
          "within_seconds": 300
        }
      }""";

  static Rule one(String text) {
    List<Rule> rules = RuleParser.parse(text, "test");
    assertThat(rules).hasSize(1);
    return rules.get(0);
  }

  @Test
  void seedPatternRuleParsesVerbatim() {
    Rule r = one(SEED_PATTERN);
    assertThat(r.id()).isEqualTo("failed-ssh-login");
    assertThat(r.name()).isEqualTo("Failed SSH Login");
    assertThat(r.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(r.spec()).isEqualTo(new Rule.Pattern());
    assertThat(r.filter()).isEqualTo(new Condition.Field("raw", Condition.Op.REGEX, List.of("Failed password"), false));
    assertThat(r.time()).isEqualTo(Rule.TimeBasis.EVENT);
    assertThat(r.enabled()).isTrue();
    assertThat(r.groupBy()).isEmpty();
    assertThat(r.suppress()).isEqualTo(Duration.ZERO);
  }

  @Test
  void seedThresholdRuleParsesVerbatim() {
    Rule r = one(SEED_THRESHOLD);
    assertThat(r.id()).isEqualTo("brute-force-detection");
    assertThat(r.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(r.spec()).isEqualTo(new Rule.Threshold(5, Duration.ofSeconds(60)));
    assertThat(r.filter()).isEqualTo(
        new Condition.Field("parsed.event_type", Condition.Op.EQUALS, List.of("auth_fail"), false));
  }

  @Test
  void seedCorrelationRuleParsesVerbatim() {
    Rule r = one(SEED_CORRELATION);
    assertThat(r.spec()).isEqualTo(new Rule.Correlation(List.of(
        new Condition.Field("parsed.event_type", Condition.Op.EQUALS, List.of("auth_fail"), false),
        new Condition.Field("parsed.event_type", Condition.Op.EQUALS, List.of("privileged_access"), false)),
        Duration.ofSeconds(300), false));
    assertThat(r.filter()).isEqualTo(Condition.TRUE);
  }

  @Test
  void theThreeSeedsConcatenatedInOneFileGiveThreeRules() {
    assertThat(RuleParser.parse(SEED_PATTERN + "\n" + SEED_THRESHOLD + "\n" + SEED_CORRELATION, "seeds"))
        .extracting(Rule::type).containsExactly("pattern", "threshold", "correlation");
  }

  @Test
  void aJsonListGivesEachRule() {
    assertThat(RuleParser.parse("[" + SEED_PATTERN + "," + SEED_THRESHOLD + "]", "list")).hasSize(2);
  }

  @Test
  void yamlEquivalentsOfTheSeedsGiveEqualRules() {
    String yaml = """
        name: Failed SSH Login
        type: pattern
        severity: warning
        config:
          field: raw
          regex: Failed password
          case_sensitive: false
        ---
        name: Brute Force Detection
        type: threshold
        severity: critical
        config:
          match: {field: parsed.event_type, equals: auth_fail}
          count: 5
          window_seconds: 60
        ---
        name: Compromised Account
        type: correlation
        severity: critical
        config:
          conditions:
            - {field: parsed.event_type, value: auth_fail}
            - {field: parsed.event_type, value: privileged_access}
          within_seconds: 300
        """;
    assertThat(RuleParser.parse(yaml, "seeds.yml"))
        .containsExactly(one(SEED_PATTERN), one(SEED_THRESHOLD), one(SEED_CORRELATION));
  }

  @Test
  void yamlListOfRulesAndFullHeaderParse() {
    String yaml = """
        - id: ssh-brute-force
          name: SSH brute force
          description: Five failed logins from one address within a minute
          type: threshold
          severity: high
          enabled: false
          tags: [attack.credential_access, attack.t1110]
          time: ingest
          suppress_seconds: 600
          group_by: source.ip
          config: {match: {field: event_type, equals: auth_fail}, count: 5, window_seconds: 60}
        - name: Many users
          type: value_count
          group_by: [source.ip, host.name]
          config: {field: user.name, distinct: 10, window_seconds: 60}
        """;
    List<Rule> rules = RuleParser.parse(yaml, "x.yml");
    Rule r = rules.get(0);
    assertThat(r.id()).isEqualTo("ssh-brute-force");
    assertThat(r.enabled()).isFalse();
    assertThat(r.tags()).containsExactly("attack.credential_access", "attack.t1110");
    assertThat(r.time()).isEqualTo(Rule.TimeBasis.INGEST);
    assertThat(r.suppress()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.groupBy()).containsExactly("source.ip");
    assertThat(r.severity()).isEqualTo(Severity.HIGH);
    assertThat(rules.get(1).groupBy()).containsExactly("source.ip", "host.name");
    assertThat(rules.get(1).spec()).isEqualTo(new Rule.ValueCount("user.name", 10, Duration.ofSeconds(60)));
    assertThat(rules.get(1).severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void everyRuleTypeParsesFromYaml() {
    String yaml = """
        name: No logout
        type: absence
        group_by: user.name
        config:
          match: {field: event.action, equals: login}
          expected: {field: event.action, equals: logout}
          within_seconds: 3600
        ---
        name: New origin
        type: new_value
        group_by: user
        config: {field: origin, learning_seconds: 86400}
        ---
        name: Unusual login time
        type: time_of_day
        config:
          match: {field: event.action, equals: login}
          start: "22:00"
          end: "06:00"
          days: [mon, tuesday, Sat]
          timezone: Europe/Berlin
        ---
        name: Ordered
        type: correlation
        config:
          conditions: [{field: a, exists: true}, {field: b, exists: true}, {field: c, exists: true}]
          within_seconds: 10
          ordered: true
        """;
    List<Rule> rules = RuleParser.parse(yaml, "all.yml");
    assertThat(rules.get(0).spec()).isEqualTo(new Rule.Absence(
        new Condition.Field("event.action", Condition.Op.EQUALS, List.of("logout"), false), Duration.ofHours(1)));
    assertThat(rules.get(1).spec()).isEqualTo(new Rule.NewValue("origin", Duration.ofDays(1)));
    assertThat(rules.get(2).spec()).isEqualTo(new Rule.TimeOfDay(LocalTime.of(22, 0), LocalTime.of(6, 0),
        java.util.Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.SATURDAY), ZoneId.of("Europe/Berlin")));
    assertThat(((Rule.Correlation) rules.get(3).spec()).ordered()).isTrue();
  }

  @Test
  void everyConditionOperatorParses() {
    String yaml = """
        name: Ops
        type: pattern
        config:
          match:
            all:
              - {field: a, equals: x}
              - {field: a, value: x, case_sensitive: true}
              - {field: b, in: [p, q]}
              - {field: c, contains: foo}
              - {field: c, starts_with: foo}
              - {field: c, ends_with: foo}
              - {field: d, regex: "^x\\\\d+"}
              - {field: e, cidr: 10.0.0.0/8}
              - {field: e, cidr: [192.168.0.0/16, "2001:db8::/32"]}
              - {field: f, exists: true}
              - {field: f, exists: false}
              - any: [{field: g, gt: 5}, {field: g, gte: 5.5}, {field: g, lt: -1}, {field: g, lte: "7"}]
              - not: {field: h, equals: y}
        """;
    Condition.All all = (Condition.All) one(yaml).filter();
    assertThat(all.all()).hasSize(13);
    assertThat(all.all().get(1)).isEqualTo(new Condition.Field("a", Condition.Op.EQUALS, List.of("x"), true));
    assertThat(all.all().get(2)).isEqualTo(new Condition.Field("b", Condition.Op.IN, List.of("p", "q"), false));
    assertThat(((Condition.Field) all.all().get(6)).values()).containsExactly("^x\\d+");
    assertThat(((Condition.Field) all.all().get(8)).values()).containsExactly("192.168.0.0/16", "2001:db8::/32");
    assertThat(all.all().get(10)).isEqualTo(new Condition.Field("f", Condition.Op.EXISTS, List.of("false"), false));
    assertThat(((Condition.Any) all.all().get(11)).any()).extracting(c -> ((Condition.Field) c).op())
        .containsExactly(Condition.Op.GT, Condition.Op.GTE, Condition.Op.LT, Condition.Op.LTE);
    assertThat(all.all().get(12)).isInstanceOf(Condition.Not.class);
  }

  @Test
  void unknownTypeIsRejectedNamingTheRule() {
    assertThatThrownBy(() -> RuleParser.parse("{\"name\":\"X\",\"type\":\"thresold\",\"config\":{}}", "t"))
        .isInstanceOf(RuleException.class)
        .hasMessageStartingWith("rule \"X\": unknown type \"thresold\"");
  }

  @Test
  void unknownKeyInConfigIsRejectedNamingTheRuleAndKey() {
    String bad = SEED_THRESHOLD.replace("window_seconds", "windw_seconds");
    assertThatThrownBy(() -> RuleParser.parse(bad, "t")).isInstanceOf(RuleException.class)
        .hasMessageStartingWith("rule \"Brute Force Detection\": unknown key \"windw_seconds\" in config");
  }

  @Test
  void unknownKeyAtTopLevelAndInAConditionAreRejected() {
    assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("\"severity\"", "\"sevrity\""), "t"))
        .hasMessageStartingWith("rule \"Failed SSH Login\": unknown key \"sevrity\"");
    assertThatThrownBy(() -> RuleParser.parse(SEED_CORRELATION.replaceFirst("\"value\"", "\"valu\""), "t"))
        .hasMessageStartingWith("rule \"Compromised Account\": unknown key \"valu\" in config.conditions[0]");
  }

  @Test
  void badRegexIsRejectedNamingTheRuleAndTheProblem() {
    assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("Failed password", "Failed (password"), "t"))
        .isInstanceOf(RuleException.class)
        .hasMessageStartingWith("rule \"Failed SSH Login\": config.regex is not a valid RE2 regex")
        .hasMessageContaining("missing closing )");
  }

  @Test
  void anEmptyDaysListIsARuleExceptionNamingTheRule() {
    // found by fuzzing (docs/fuzzing.md): "days:" with no value escaped as a bare IllegalArgumentException
    for (String days : List.of("days:", "days: []")) {
      String yaml = "name: Night\ntype: time_of_day\nconfig:\n  match: {field: a, equals: b}\n  start: \"22:00\"\n"
          + "  end: \"06:00\"\n  " + days + "\n";
      assertThatThrownBy(() -> RuleParser.parse(yaml, "t")).as(days).isInstanceOf(RuleException.class)
          .hasMessage("rule \"Night\": time_of_day days must name at least one weekday");
    }
  }

  @Test
  void regexesThatRe2jCannotCaseFoldAreRejectedInsteadOfHangingForever() {
    // found by fuzzing (docs/fuzzing.md): RE2/J 1.8 never returns from compiling a case-insensitive regex
    // with one of U+1C80..U+1C88 (google/re2j#168); a rule with one hung the thread that parsed it
    for (String re : List.of("Failed \u1C80", "[\\\\x{1c00}-\\\\x{1cff}]", "\\\\x{1C84}", "a[\\n-\\uFFFD]",
        "\\\\Qx\u1C88\\\\E")) {
      assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("Failed password", re), "t")).as(re)
          .isInstanceOf(RuleException.class).hasMessageContaining("U+1C80..U+1C88");
    }
    String caseSensitive = SEED_PATTERN.replace("Failed password", "Failed \u1C80")
        .replace("\"case_sensitive\": false", "\"case_sensitive\": true");
    assertThat(caseSensitive).contains("\"case_sensitive\": true");
    assertThat(RuleParser.parse(caseSensitive, "t")).hasSize(1);
    assertThatThrownBy(() -> RuleParser.parse(caseSensitive.replace("Failed \u1C80", "(?i)Failed \u1C80"), "t"))
        .isInstanceOf(RuleException.class).hasMessageContaining("U+1C80..U+1C88");
    for (String ok : List.of("\\\\p{Cyrillic}+", "[^a]", "[\\\\x00-\\\\x{10FFFF}]", "\u1C7F\u1C89", "[a-z\u0400-\u04FF]")) {
      assertThat(RuleParser.parse(SEED_PATTERN.replace("Failed password", ok), "t")).as(ok).hasSize(1);
    }
    assertThat(Regexes.foldHazard("[\u1C00-\u1CFF]")).isTrue();
    assertThat(Regexes.foldHazard("[]\u1C80]")).isTrue();
    assertThat(Regexes.foldHazard("[\u1C89-\u1CFF]")).isFalse();
  }

  @Test
  void unsupportedPerlSyntaxIsRejected() {
    assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("Failed password", "(a)\\\\1"), "t"))
        .isInstanceOf(RuleException.class).hasMessageContaining("Failed SSH Login")
        .hasMessageContaining("not a valid RE2 regex");
    assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("Failed password", "a(?=b)"), "t"))
        .isInstanceOf(RuleException.class).hasMessageContaining("not a valid RE2 regex");
  }

  @Test
  void regexOverTheLengthBudgetIsRejected() {
    String longRegex = "a".repeat(Regexes.MAX_PATTERN_CHARS + 1);
    assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("Failed password", longRegex), "t"))
        .isInstanceOf(RuleException.class)
        .hasMessage("rule \"Failed SSH Login\": config.regex is 1001 chars long, the limit is 1000");
  }

  @Test
  void regexOverTheProgramSizeBudgetIsRejected() {
    assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("Failed password", "((a{100}){100}){100}"), "t"))
        .isInstanceOf(RuleException.class)
        .hasMessageStartingWith("rule \"Failed SSH Login\": config.regex is too complex");
  }

  @Test
  void badCidrIsRejectedNamingTheRule() {
    String yaml = "name: Bad net\ntype: pattern\nconfig: {match: {field: source.ip, cidr: 10.0.0.0/33}}\n";
    assertThatThrownBy(() -> RuleParser.parse(yaml, "t")).isInstanceOf(RuleException.class)
        .hasMessage("rule \"Bad net\": config.match.cidr: \"10.0.0.0/33\" is not an IPv4 or IPv6 address or CIDR block");
  }

  @Test
  void countZeroIsRejectedNamingTheRuleAndField() {
    assertThatThrownBy(() -> RuleParser.parse(SEED_THRESHOLD.replace("\"count\": 5", "\"count\": 0"), "t"))
        .isInstanceOf(RuleException.class)
        .hasMessage("rule \"Brute Force Detection\": threshold count must be > 0, was 0");
  }

  @Test
  void correlationWithOneStepIsRejected() {
    String one = """
        {"name": "Lonely", "type": "correlation",
         "config": {"conditions": [{"field": "a", "value": "b"}], "within_seconds": 300}}""";
    assertThatThrownBy(() -> RuleParser.parse(one, "t")).isInstanceOf(RuleException.class)
        .hasMessage("rule \"Lonely\": correlation needs at least 2 conditions, had 1");
  }

  @Test
  void otherValidationErrorsNameRuleAndField() {
    assertThatThrownBy(() -> RuleParser.parse(SEED_THRESHOLD.replace("60", "0"), "t"))
        .hasMessage("rule \"Brute Force Detection\": window_seconds must be > 0, was 0");
    assertThatThrownBy(() -> RuleParser.parse(SEED_PATTERN.replace("warning", "urgent"), "t"))
        .hasMessageStartingWith("rule \"Failed SSH Login\": severity \"urgent\"");
    assertThatThrownBy(() -> RuleParser.parse("{\"type\":\"pattern\",\"config\":{}}", "file.json"))
        .hasMessage("rule \"file.json #1\": name is required");
    assertThatThrownBy(() -> RuleParser.parse(
        "name: T\ntype: time_of_day\nconfig: {start: \"25:00\", end: \"06:00\"}", "t"))
        .hasMessageStartingWith("rule \"T\": config.start \"25:00\" is not a time of day");
    assertThatThrownBy(() -> RuleParser.parse(
        "name: T\ntype: time_of_day\nconfig: {start: \"22:00\", end: \"06:00\", timezone: Mars/Olympus}", "t"))
        .hasMessageStartingWith("rule \"T\": config.timezone \"Mars/Olympus\"");
    assertThatThrownBy(() -> RuleParser.parse(
        "name: T\ntype: pattern\nconfig: {match: {field: a, equals: x, contains: y}}", "t"))
        .hasMessageStartingWith("rule \"T\": config.match has two operators");
    assertThatThrownBy(() -> RuleParser.parse(
        "name: T\ntype: pattern\nconfig: {match: {field: a, gt: many}}", "t"))
        .hasMessageStartingWith("rule \"T\": config.match.gt must be a number");
  }

  @Test
  void malformedTextIsRejectedNamingTheOrigin() {
    assertThatThrownBy(() -> RuleParser.parse("{\"name\": \"X\",", "broken.json"))
        .isInstanceOf(RuleException.class).hasMessageStartingWith("rule \"broken.json\": not valid JSON");
    assertThatThrownBy(() -> RuleParser.parse("{\"name\": \"X\", \"name\": \"Y\", \"type\": \"pattern\"}", "dup.json"))
        .isInstanceOf(RuleException.class).hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void slugOfNameIsTheDefaultId() {
    assertThat(RuleParser.slug("Brute Force Detection")).isEqualTo("brute-force-detection");
    assertThat(RuleParser.slug("  SSH: root login!! ")).isEqualTo("ssh-root-login");
  }
}
