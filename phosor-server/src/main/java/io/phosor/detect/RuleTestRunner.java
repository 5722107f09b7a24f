package io.phosor.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.phosor.event.Event;
import io.phosor.parse.EventParser;
import io.phosor.redact.Redactor;
import io.phosor.redact.RedactorOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs rule tests (docs/rule-tests.md): a rule (by id or inline), log lines and/or JSON events that go
 * through the server's parser and redactor, and the alerts the rule must raise. Each test gets a fresh
 * {@link Engine} with just that rule (enabled even when the rule file disables it), and ends with
 * {@link Engine#finish}. Used by {@code phosor rules test}, {@code POST /api/rules/test} and the
 * built-in pack's JUnit test.
 */
public final class RuleTestRunner {
  /** Inputs larger than this are refused: a rule test is a handful of sample events, not a replay. */
  public static final int MAX_EVENTS = 100_000;
  private static final Set<String> TEST_KEYS = Set.of("name", "description", "rule", "year", "lines", "events", "expect");
  private static final Set<String> EXPECT_KEYS =
      Set.of("count", "group", "severity", "event_ids", "first_seen", "last_seen", "summary_contains", "rule");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Map<String, Rule> rulesById;
  private final boolean redact;

  /** {@code rulesById}: rules a test may name by id; {@code redact}: redact events like the server (default kinds). */
  public RuleTestRunner(Map<String, Rule> rulesById, boolean redact) {
    this.rulesById = Map.copyOf(rulesById);
    this.redact = redact;
  }

  /**
   * One test case as written in a test file.
   *
   * @param name the test's name
   * @param origin file (and document number) it came from
   * @param rule a rule id (text node) or an inline rule object
   * @param year year for RFC 3164 stamps, or null for the current clock
   * @param lines log lines
   * @param events JSON events, after the lines
   * @param expect expected alerts in order (empty: the rule must not fire)
   */
  public record Case(String name, String origin, JsonNode rule, Integer year, List<String> lines, List<JsonNode> events,
      List<JsonNode> expect) {}

  /**
   * The outcome of one test.
   *
   * @param name the test's name
   * @param origin where the test came from
   * @param passed whether the alerts matched the expectation
   * @param problems what differed (empty when passed)
   * @param alerts the alerts the rule raised
   */
  public record Result(String name, String origin, boolean passed, List<String> problems, List<Alert> alerts) {}

  /** What a run produced: the rule's alerts and how many events went in. */
  public record Output(List<Alert> alerts, int events) {}

  /** Parses a test file: one test, several YAML documents, or a list of tests. */
  public static List<Case> parseFile(String text, String origin) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n == null || n.isNull() || n.isMissingNode()) {
          continue;
        }
        if (n.isArray()) {
          n.forEach(docs::add);
        } else {
          docs.add(n);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new RuleSetException(origin + ": not valid YAML: " + firstLine(e.getMessage()));
    }
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      String where = docs.size() == 1 ? origin : origin + " #" + (i + 1);
      out.add(parseCase(docs.get(i), where));
    }
    return out;
  }

  private static Case parseCase(JsonNode n, String where) {
    if (!n.isObject()) {
      throw new RuleSetException(where + ": a rule test must be a mapping with name, rule, lines/events, expect");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
      String k = it.next();
      if (!TEST_KEYS.contains(k)) {
        throw new RuleSetException(where + ": unknown key '" + k + "' (expected one of " + TEST_KEYS + ")");
      }
    }
    String name = n.path("name").asText(where);
    JsonNode rule = n.get("rule");
    if (rule == null || !(rule.isTextual() || rule.isObject())) {
      throw new RuleSetException(where + ": test \"" + name + "\": 'rule' must be a rule id or a rule object");
    }
    Integer year = null;
    if (n.hasNonNull("year")) {
      if (!n.get("year").canConvertToInt() || n.get("year").asInt() < 1970 || n.get("year").asInt() > 9999) {
        throw new RuleSetException(where + ": test \"" + name + "\": 'year' must be a year such as 2024");
      }
      year = n.get("year").asInt();
    }
    List<String> lines = lines(n.get("lines"), where, name);
    List<JsonNode> events = new ArrayList<>();
    if (n.hasNonNull("events")) {
      if (!n.get("events").isArray()) {
        throw new RuleSetException(where + ": test \"" + name + "\": 'events' must be a list of JSON objects");
      }
      for (JsonNode e : n.get("events")) {
        if (!e.isObject()) {
          throw new RuleSetException(where + ": test \"" + name + "\": every event must be a JSON object, got " + e);
        }
        events.add(e);
      }
    }
    JsonNode ex = n.get("expect");
    if (ex == null || !ex.isArray()) {
      throw new RuleSetException(where + ": test \"" + name + "\": 'expect' must be a list (empty = must not fire)");
    }
    List<JsonNode> expect = new ArrayList<>();
    for (JsonNode e : ex) {
      if (e.isNull()) {
        e = JSON.createObjectNode();
      }
      if (!e.isObject()) {
        throw new RuleSetException(where + ": test \"" + name + "\": every expected alert must be a mapping, got " + e);
      }
      for (Iterator<String> it = e.fieldNames(); it.hasNext();) {
        String k = it.next();
        if (!EXPECT_KEYS.contains(k)) {
          throw new RuleSetException(where + ": test \"" + name + "\": unknown check '" + k + "' (expected one of "
              + EXPECT_KEYS + ")");
        }
      }
      expect.add(e);
    }
    if (lines.size() + events.size() > MAX_EVENTS) {
      throw new RuleSetException(where + ": test \"" + name + "\": more than " + MAX_EVENTS + " events");
    }
    return new Case(name, where, rule, year, lines, events, expect);
  }

  /** Lines from a block string (one per line) or a list of strings; blank lines are skipped. */
  static List<String> lines(JsonNode n, String where, String name) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isTextual()) {
      for (String l : n.asText().split("\r?\n")) {
        if (!l.isBlank()) {
          out.add(l);
        }
      }
    } else if (n.isArray()) {
      for (JsonNode l : n) {
        if (!l.isTextual()) {
          throw new RuleSetException(where + ": test \"" + name + "\": every line must be a string, got " + l);
        }
        out.add(l.asText());
      }
    } else {
      throw new RuleSetException(where + ": test \"" + name + "\": 'lines' must be a block of text or a list of strings");
    }
    return out;
  }

  /** Resolves a test's rule: an id from the rules under test, or an inline rule object. */
  public Rule resolve(Case c) {
    if (c.rule().isTextual()) {
      Rule r = rulesById.get(c.rule().asText());
      if (r == null) {
        throw new RuleSetException(c.origin() + ": test \"" + c.name() + "\": no rule with id \"" + c.rule().asText()
            + "\" in the rules under test or the built-in pack");
      }
      return r;
    }
    return inline(c.rule(), c.origin());
  }

  /** Parses an inline rule object (the JSON or YAML model of docs/rules.md). */
  public static Rule inline(JsonNode rule, String origin) {
    String text;
    try {
      text = JSON.writeValueAsString(rule);
    } catch (JsonProcessingException e) {
      throw new RuleSetException(origin + ": rule: " + e.getOriginalMessage());
    }
    List<Rule> rules = RuleFiles.parse(text, origin);
    if (rules.size() != 1) {
      throw new RuleSetException(origin + ": expected one inline rule, got " + rules.size());
    }
    RuleFiles.compileOne(new RuleFiles.Loaded(rules.get(0), origin));
    return rules.get(0);
  }

  /** Runs one test case and compares the alerts with its expectation. */
  public Result run(Case c) {
    Rule rule;
    Output out;
    try {
      rule = resolve(c);
      out = execute(rule, c.year(), c.lines(), c.events());
    } catch (RuleSetException | RuleException | IllegalArgumentException e) {
      return new Result(c.name(), c.origin(), false, List.of(e.getMessage()), List.of());
    }
    List<String> problems = compare(c.expect(), out.alerts());
    return new Result(c.name(), c.origin(), problems.isEmpty(), problems, out.alerts());
  }

  /**
   * Runs {@code rule} alone over {@code lines} then {@code events} (event ids 1..n in that order) and returns
   * its alerts, {@link Engine#finish} included.
   */
  public Output execute(Rule rule, Integer year, List<String> lines, List<JsonNode> events) {
    if (lines.size() + events.size() > MAX_EVENTS) {
      throw new RuleSetException("more than " + MAX_EVENTS + " events");
    }
    Clock clock = year == null ? Clock.systemUTC() : EventMaker.clockForYear(year);
    EventMaker maker = new EventMaker(new EventParser(clock),
        redact ? new Redactor(Redactor.defaults(), RedactorOptions.DEFAULTS) : null, null, "test");
    Engine engine = new Engine(EngineConfig.DEFAULTS, clock);
    try {
      engine.setRules(List.of(RuleFiles.enabled(rule)));
    } catch (RuleException | IllegalArgumentException e) {
      throw new RuleSetException(e.getMessage());
    }
    List<Alert> alerts = new ArrayList<>();
    AlertSink sink = a -> {
      if (a.ruleId().equals(rule.id())) {
        alerts.add(a);
      }
    };
    long id = 0;
    Instant now = clock.instant();
    for (String l : lines) {
      Event e = maker.text(l, now);
      e.seq(++id);
      engine.process(e, sink);
    }
    for (JsonNode n : events) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = JSON.convertValue(n, LinkedHashMap.class);
      Event e = maker.object(map, n.toString(), now);
      e.seq(++id);
      engine.process(e, sink);
    }
    engine.finish(sink);
    return new Output(List.copyOf(alerts), (int) id);
  }

  /** Differences between the expected and actual alerts, one line each (empty = they match). */
  static List<String> compare(List<JsonNode> expect, List<Alert> alerts) {
    List<String> p = new ArrayList<>();
    if (expect.size() != alerts.size()) {
      p.add("expected " + expect.size() + " alert(s), got " + alerts.size());
    }
    for (int i = 0; i < Math.min(expect.size(), alerts.size()); i++) {
      JsonNode x = expect.get(i);
      Alert a = alerts.get(i);
      String at = "alert " + (i + 1) + ": ";
      if (x.has("rule") && !x.get("rule").asText().equals(a.ruleId())) {
        p.add(at + "rule: expected " + x.get("rule").asText() + ", got " + a.ruleId());
      }
      if (x.has("count") && x.get("count").asLong() != a.count()) {
        p.add(at + "count: expected " + x.get("count").asLong() + ", got " + a.count());
      }
      if (x.has("severity") && !x.get("severity").asText().equalsIgnoreCase(a.severity().label())) {
        p.add(at + "severity: expected " + x.get("severity").asText() + ", got " + a.severity().label());
      }
      if (x.has("group")) {
        JsonNode g = x.get("group");
        for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext();) {
          Map.Entry<String, JsonNode> e = it.next();
          String got = a.groupKey().get(e.getKey());
          if (!Objects.equals(e.getValue().asText(), got)) {
            p.add(at + "group " + e.getKey() + ": expected " + e.getValue().asText() + ", got " + got
                + " (group " + a.groupKey() + ")");
          }
        }
      }
      if (x.has("event_ids")) {
        List<Long> ids = new ArrayList<>();
        x.get("event_ids").forEach(n -> ids.add(n.asLong()));
        if (!ids.equals(a.eventIds())) {
          p.add(at + "event_ids: expected " + ids + ", got " + a.eventIds());
        }
      }
      instant(p, at, "first_seen", x, a.firstSeen());
      instant(p, at, "last_seen", x, a.lastSeen());
      if (x.has("summary_contains") && (a.summary() == null || !a.summary().contains(x.get("summary_contains").asText()))) {
        p.add(at + "summary: expected it to contain \"" + x.get("summary_contains").asText() + "\", got \""
            + a.summary() + "\"");
      }
    }
    return p;
  }

  private static void instant(List<String> p, String at, String key, JsonNode x, Instant got) {
    if (!x.has(key)) {
      return;
    }
    try {
      Instant want = Instant.parse(x.get(key).asText());
      if (!want.equals(got)) {
        p.add(at + key + ": expected " + want + ", got " + got);
      }
    } catch (DateTimeParseException e) {
      p.add(at + key + ": expected value '" + x.get(key).asText() + "' is not an ISO-8601 instant");
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
