package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.phosor.event.Event;
import io.phosor.parse.EventParser;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the built-in pack's rule test files ({@code builtin/tests/*.test.yml}, the fixed rule-test format)
 * on the engine and, independently, on {@link ReferenceEngine}, so the pack is verified in this module
 * whatever the CI runner does. Lines go through the server's {@link EventParser} with its clock at the end
 * of the file's {@code year}; JSON events through {@link EventParser#parseObject}. The whole pack runs (the
 * rule under test switched on), and only that rule's alerts are compared with {@code expect}.
 */
final class BuiltinRuleFilesTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One parsed test file. */
  record Case(String file, String name, String ruleId, JsonNode inlineRule, List<Event> events, JsonNode expect) {}

  @TestFactory
  Stream<DynamicTest> everyRuleTestFilePassesOnTheEngine() {
    return cases().stream().map(c -> DynamicTest.dynamicTest("engine: " + c.file() + " - " + c.name(),
        () -> check(c, BuiltinPackFiles.rules(), BuiltinRuleFilesTest::runEngine)));
  }

  @TestFactory
  Stream<DynamicTest> everyRuleTestFilePassesOnTheReferenceEngine() {
    return cases().stream().map(c -> DynamicTest.dynamicTest("reference: " + c.file() + " - " + c.name(),
        () -> check(c, BuiltinPackFiles.referenceRules(), BuiltinRuleFilesTest::runReference)));
  }

  @Test
  void everyBuiltinRuleHasAFiringAndANearMissTest() {
    Set<String> firing = new HashSet<>();
    Set<String> nearMiss = new HashSet<>();
    for (Case c : cases()) {
      (c.expect().isEmpty() ? nearMiss : firing).add(c.ruleId());
    }
    List<String> ids = BuiltinPackFiles.referenceRules().stream().map(Rule::id).toList();
    assertThat(firing).as("rules with a test that fires").containsAll(ids);
    assertThat(nearMiss).as("rules with a near-miss test").containsAll(ids);
    System.out.println("[builtin] " + ids.size() + " rules, " + cases().size() + " rule test files");
  }

  @Test
  void everyBuiltinRuleHasAnIdNameDescriptionSeverityAndTags() {
    List<Rule> rules = BuiltinPackFiles.referenceRules();
    assertThat(rules.stream().map(Rule::id).distinct().count()).as("unique ids").isEqualTo(rules.size());
    for (Rule r : rules) {
      assertThat(r.description()).as(r.id()).isNotBlank();
      assertThat(r.tags()).as(r.id()).isNotEmpty();
      assertThat(r.tags()).as(r.id() + " has an ATT&CK technique").anyMatch(t -> t.matches("attack\\.t\\d{4}(\\.\\d{3})?"));
    }
    assertThat(rules.stream().filter(r -> !r.enabled()).map(Rule::id)).as("every built-in rule is on").isEmpty();
  }

  @Test
  void theRuleParserReadsTheBuiltinPackAsTheReferenceReaderDoes() {
    List<Rule> engine = BuiltinPackFiles.rules();
    List<Rule> reference = BuiltinPackFiles.referenceRules();
    assertThat(engine).extracting(Rule::id).containsExactlyElementsOf(reference.stream().map(Rule::id).toList());
    for (int i = 0; i < engine.size(); i++) {
      Rule a = engine.get(i);
      Rule b = reference.get(i);
      // field by field, so a difference names the part
      assertThat(a.name()).as(a.id() + " name").isEqualTo(b.name());
      assertThat(a.severity()).as(a.id() + " severity").isEqualTo(b.severity());
      assertThat(a.enabled()).as(a.id() + " enabled").isEqualTo(b.enabled());
      assertThat(a.tags()).as(a.id() + " tags").isEqualTo(b.tags());
      assertThat(a.groupBy()).as(a.id() + " group_by").isEqualTo(b.groupBy());
      assertThat(a.suppress()).as(a.id() + " suppress").isEqualTo(b.suppress());
      assertThat(a.time()).as(a.id() + " time").isEqualTo(b.time());
      assertThat(a.type()).as(a.id() + " type").isEqualTo(b.type());
    }
  }

  // ---------------------------------------------------------------- running one case

  private static void check(Case c, List<Rule> pack, Function<List<Rule>, Function<List<Event>, List<Alert>>> runner) {
    List<Rule> rules = new ArrayList<>();
    String id = c.ruleId();
    for (Rule r : pack) {
      rules.add(r.id().equals(id) ? BuiltinPackFiles.enabled(r) : r);
    }
    if (c.inlineRule() != null) {
      Rule inline = ReferenceRuleReader.rule(c.inlineRule());
      id = inline.id();
      rules = List.of(BuiltinPackFiles.enabled(inline));
    }
    String want = id;
    assertThat(rules).as("rule " + want + " exists").anyMatch(r -> r.id().equals(want));
    List<Alert> alerts = runner.apply(rules).apply(c.events()).stream().filter(a -> a.ruleId().equals(want)).toList();
    String got = alerts.stream().map(a -> "count=" + a.count() + " group=" + a.groupKey()).toList().toString();
    assertThat(alerts).as(c.file() + ": alerts of " + want + " " + got).hasSize(c.expect().size());
    for (int i = 0; i < alerts.size(); i++) {
      JsonNode e = c.expect().get(i);
      if (e.has("count")) {
        assertThat(alerts.get(i).count()).as(c.file() + " alert " + i + " count " + got).isEqualTo(e.get("count").asLong());
      }
      if (e.has("group")) {
        Map<String, String> g = new LinkedHashMap<>();
        e.get("group").fields().forEachRemaining(f -> g.put(f.getKey(), f.getValue().asText()));
        assertThat(alerts.get(i).groupKey()).as(c.file() + " alert " + i + " group " + got).isEqualTo(g);
      }
    }
  }

  static Function<List<Event>, List<Alert>> runEngine(List<Rule> rules) {
    return events -> {
      Instant last = events.isEmpty() ? Instant.EPOCH : events.get(events.size() - 1).ingested();
      Engine engine = new Engine(EngineConfig.DEFAULTS, new ManualClock(last));
      engine.setRules(rules);
      List<Alert> out = new ArrayList<>();
      for (Event e : events) {
        engine.process(e, out::add);
      }
      engine.finish(out::add);
      return out;
    };
  }

  static Function<List<Event>, List<Alert>> runReference(List<Rule> rules) {
    return events -> {
      ReferenceEngine ref = new ReferenceEngine(EngineConfig.DEFAULTS.lateTolerance(), rules);
      List<Alert> out = new ArrayList<>();
      for (Event e : events) {
        out.addAll(ref.process(e));
      }
      out.addAll(ref.finish());
      return out;
    };
  }

  // ---------------------------------------------------------------- reading the files

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    for (Path p : testFiles()) {
      out.add(read(p));
    }
    return out;
  }

  private static List<Path> testFiles() {
    try {
      Path dir = Path.of(BuiltinRuleFilesTest.class.getResource(BuiltinPackFiles.DIR + "tests").toURI());
      try (Stream<Path> s = Files.list(dir)) {
        return s.filter(p -> p.getFileName().toString().endsWith(".test.yml")).sorted().toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Case read(Path p) {
    try {
      JsonNode n = YAML.readTree(Files.readString(p));
      int year = n.path("year").asInt(Instant.now().atZone(ZoneOffset.UTC).getYear());
      Instant endOfYear = Instant.parse(year + "-12-31T23:59:59Z");
      EventParser parser = new EventParser(Clock.fixed(endOfYear, ZoneOffset.UTC));
      List<Event> events = new ArrayList<>();
      if (n.hasNonNull("lines")) {
        for (String line : n.get("lines").asText().split("\n")) {
          if (!line.isBlank()) {
            events.add(parser.parseText("syslog", null, ZoneOffset.UTC, endOfYear, line));
          }
        }
      }
      if (n.hasNonNull("events")) {
        for (JsonNode ev : n.get("events")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = JSON.convertValue(ev, Map.class);
          events.add(parser.parseObject("webhook:test", null, ZoneOffset.UTC, endOfYear, m, JSON.writeValueAsString(ev)));
        }
      }
      for (int i = 0; i < events.size(); i++) {
        events.get(i).seq(i);
      }
      JsonNode rule = n.get("rule");
      return new Case(p.getFileName().toString(), n.path("name").asText(), rule.isTextual() ? rule.asText() : null,
          rule.isObject() ? rule : null, events, n.path("expect"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
