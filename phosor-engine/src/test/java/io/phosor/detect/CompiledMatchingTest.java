package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.event.Severity;
import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CompiledMatchingTest {
  @Test
  void requiredLiteralIsTheLongestMandatoryRun() {
    assertThat(Regexes.requiredLiteral("Failed password")).isEqualTo("failed password");
    assertThat(Regexes.requiredLiteral("sshd\\[\\d+\\]: Failed password for (?:invalid user )?\\S+ from"))
        .isEqualTo("]: failed password for ");
    assertThat(Regexes.requiredLiteral("abcx?yz")).isEqualTo("abc");
    assertThat(Regexes.requiredLiteral("ab+cdefg")).isEqualTo("cdefg");
    assertThat(Regexes.requiredLiteral("x{0,3}hello")).isEqualTo("hello");
    assertThat(Regexes.requiredLiteral("\\Qa.b*c\\E")).isEqualTo("a.b*c");
  }

  @Test
  void regexesWithoutASafeLiteralGetNone() {
    assertThat(Regexes.requiredLiteral("foo|bar")).isNull();
    assertThat(Regexes.requiredLiteral("(foo|bar)")).isNull();
    assertThat(Regexes.requiredLiteral("\\d+\\.\\d+")).isNull();
    assertThat(Regexes.requiredLiteral("[abc]x")).isNull();
    assertThat(Regexes.requiredLiteral("caf\u00e9")).isEqualTo("caf");
    assertThat(Regexes.requiredLiteral("a")).isNull();
  }

  @Test
  void programSizeEstimateMultipliesNestedRepetitions() {
    assertThat(Regexes.estimateProgramSize("abc")).isLessThan(10);
    assertThat(Regexes.estimateProgramSize("(a{100}){100}")).isGreaterThan(10_000);
    assertThat(Regexes.estimateProgramSize("[a-z]{1,1000}")).isGreaterThan(1000);
  }

  @Test
  void literalSearchFindsOverlappingLiteralsInOnePassIgnoringCase() {
    LiteralSearch s = new LiteralSearch(List.of("he", "she", "hers", "his"), new int[] {10, 11, 12, 13});
    int[] found = new int[20];
    int[] hits = new int[20];
    int n = s.search("uSHErS", found, 7, hits, 0);
    TreeSet<Integer> ids = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(hits[i]);
    }
    assertThat(ids).containsExactly(10, 11, 12);
    assertThat(s.search("nothing", found, 8, hits, 0)).isZero();
  }

  @Test
  void foldingMatchesEqualsIgnoreCaseAndUnicodeFoldsOfAsciiLetters() {
    assertThat(Text.fold("ABC")).isEqualTo("abc");
    String lower = "abc";
    assertThat(Text.fold(lower)).isSameAs(lower);
    assertThat(Text.fold("pa\u017F\u017Fword")).isEqualTo("password"); // long s
    assertThat(Text.fold("\u212Aelvin")).isEqualTo("kelvin"); // Kelvin sign
  }

  @Test
  void cidrBlocksMatchIpv4Ipv6AndMappedAddresses() {
    long[] a = new long[2];
    IpRange ten = IpRange.parse("10.0.0.0/8");
    IpRange doc6 = IpRange.parse("2001:db8::/32");
    assertThat(IpRange.parseAddress("10.1.2.3", a)).isEqualTo(4);
    assertThat(ten.contains(a[0], a[1])).isTrue();
    assertThat(IpRange.parseAddress("::ffff:10.9.9.9", a)).isEqualTo(6);
    assertThat(ten.contains(a[0], a[1])).isTrue();
    assertThat(IpRange.parseAddress("11.0.0.1", a)).isEqualTo(4);
    assertThat(ten.contains(a[0], a[1])).isFalse();
    assertThat(IpRange.parseAddress("2001:db8:0:1::5", a)).isEqualTo(6);
    assertThat(doc6.contains(a[0], a[1])).isTrue();
    assertThat(ten.contains(a[0], a[1])).isFalse();
    assertThat(IpRange.parseAddress("2001:db9::1", a)).isEqualTo(6);
    assertThat(doc6.contains(a[0], a[1])).isFalse();
    assertThat(IpRange.parse("0.0.0.0/0").contains(0, 0xFFFF00000000L)).isTrue();
    for (String bad : new String[] {"", "1.2.3", "1.2.3.256", "1.2.3.4.5", "a:b:c", "1::2::3", "::g", "host.example",
        "1.2.3.4/", "10.0.0.0/33", "::/129"}) {
      assertThat(IpRange.parse(bad)).as(bad).isNull();
    }
  }

  @Test
  void rulesWithAnIndexableTestAreNotEvaluatedOnEveryEvent() {
    Engine e = new Engine(EngineConfig.DEFAULTS, new ManualClock(Instant.EPOCH));
    e.setRules(RuleParser.parse("""
        - {name: a, type: pattern, config: {match: {field: event_type, equals: auth_fail}}}
        - {name: b, type: pattern, config: {match: {field: raw, regex: "Failed password"}}}
        - {name: c, type: pattern, config: {match: {all: [{field: raw, contains: sudo}, {not: {field: user, equals: root}}]}}}
        - {name: d, type: pattern, config: {match: {field: source.ip, cidr: 10.0.0.0/8}}}
        - {name: e, type: pattern, config: {match: {not: {field: raw, contains: x}}}}
        """, "t"));
    assertThat(e.ruleSet().alwaysCount()).isEqualTo(2);
  }

  /** Seeded random conditions: the compiled engine must agree with a direct interpretation of each rule. */
  @Test
  void compiledDispatchAgreesWithNaiveEvaluationOnRandomRulesAndEvents() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    String[] words = {"fail", "Failed", "password", "root", "admin", "sudo", "10.0.0.1", "192.168.1.7", "x", "FAIL"};
    String[] fields = {"raw", "user.name", "event.action", "source.ip", "n"};
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      rules.add(new Rule("r" + i, "r" + i, "", Severity.LOW, true, List.of(), randomCondition(rnd, words, fields, 0),
          List.of(), Duration.ZERO, Rule.TimeBasis.EVENT, new Rule.Pattern()));
    }
    Engine engine = new Engine(EngineConfig.DEFAULTS, new ManualClock(Instant.EPOCH));
    engine.setRules(rules);
    Events ev = new Events();
    for (int k = 0; k < 400; k++) {
      StringBuilder raw = new StringBuilder();
      for (int w = rnd.nextInt(5); w > 0; w--) {
        raw.append(words[rnd.nextInt(words.length)]).append(rnd.nextBoolean() ? " " : "");
      }
      List<Object> kv = new ArrayList<>(List.of("raw", raw.toString()));
      if (rnd.nextBoolean()) {
        kv.addAll(List.of("user.name", words[rnd.nextInt(words.length)]));
      }
      if (rnd.nextBoolean()) {
        kv.addAll(List.of("event.action", rnd.nextBoolean() ? List.of("fail", "sudo") : words[rnd.nextInt(words.length)]));
      }
      if (rnd.nextBoolean()) {
        kv.addAll(List.of("source.ip", rnd.nextBoolean() ? "10.0.0." + rnd.nextInt(3) : "192.168.1.7"));
      }
      if (rnd.nextBoolean()) {
        kv.addAll(List.of("n", rnd.nextInt(10)));
      }
      Event event = ev.at(k, kv.toArray());
      List<String> fired = new ArrayList<>();
      engine.process(event, a -> fired.add(a.ruleId()));
      List<String> expected = new ArrayList<>();
      for (Rule r : rules) {
        if (Naive.test(r.filter(), event)) {
          expected.add(r.id());
        }
      }
      assertThat(fired).as("seed %d, event %s", seed, event).isEqualTo(expected);
    }
  }

  private static Condition randomCondition(Random rnd, String[] words, String[] fields, int depth) {
    int kind = depth >= 2 ? 3 + rnd.nextInt(9) : rnd.nextInt(12);
    String f = fields[rnd.nextInt(fields.length)];
    String w = words[rnd.nextInt(words.length)];
    boolean cs = rnd.nextInt(4) == 0;
    return switch (kind) {
      case 0 -> new Condition.All(List.of(randomCondition(rnd, words, fields, depth + 1),
          randomCondition(rnd, words, fields, depth + 1)));
      case 1 -> new Condition.Any(List.of(randomCondition(rnd, words, fields, depth + 1),
          randomCondition(rnd, words, fields, depth + 1)));
      case 2 -> new Condition.Not(randomCondition(rnd, words, fields, depth + 1));
      case 3 -> new Condition.Field(f, Condition.Op.EQUALS, List.of(w), cs);
      case 4 -> new Condition.Field(f, Condition.Op.IN, List.of(w, words[rnd.nextInt(words.length)]), cs);
      case 5 -> new Condition.Field(f, Condition.Op.CONTAINS, List.of(w), cs);
      case 6 -> new Condition.Field(f, Condition.Op.STARTS_WITH, List.of(w), cs);
      case 7 -> new Condition.Field(f, Condition.Op.ENDS_WITH, List.of(w), cs);
      case 8 -> new Condition.Field(f, Condition.Op.REGEX,
          List.of(rnd.nextBoolean() ? w + "\\s*\\w+" : "^" + w.charAt(0) + ".*" + w.substring(1)), cs);
      case 9 -> new Condition.Field(f, Condition.Op.CIDR, List.of("10.0.0.0/30"), false);
      case 10 -> new Condition.Field(f, Condition.Op.EXISTS, List.of(Boolean.toString(rnd.nextBoolean())), false);
      default -> new Condition.Field(f, Condition.Op.GTE, List.of(Integer.toString(rnd.nextInt(10))), false);
    };
  }
}
