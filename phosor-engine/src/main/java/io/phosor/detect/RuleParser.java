package io.phosor.detect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.phosor.event.Severity;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads rules: the seeds' JSON exactly as written (pattern field/regex/case_sensitive; threshold
 * field/value/count/window_seconds; correlation conditions/within_seconds) and the same model in YAML,
 * with Phosor's extensions. A file may hold one rule, a list of rules, or (YAML) several documents.
 * Every rule is also compiled once (regexes, CIDRs, numbers), so a rule that parses will load. Errors are
 * {@link RuleException}s naming the rule and the field: unknown keys are rejected so typos do not pass.
 */
public final class RuleParser {
  /** Largest accepted rule text: a rule pack of a thousand rules is well under this. */
  static final int MAX_TEXT_CHARS = 16 * 1024 * 1024;
  /** Upper bounds that keep per-group state small; far above any sensible rule. */
  static final int MAX_COUNT = 100_000;
  static final int MAX_DISTINCT = 10_000;
  static final int MAX_GROUP_BY = 8;
  static final int MAX_STEPS = 32;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final Set<String> HEADER = Set.of("id", "name", "description", "type", "severity", "enabled", "tags",
      "time", "suppress_seconds", "group_by", "config");
  private static final List<String> TYPES = List.of("pattern", "threshold", "correlation", "value_count", "absence",
      "new_value", "time_of_day");
  private static final Set<String> OPERATORS = Set.of("value", "equals", "in", "contains", "starts_with", "ends_with",
      "regex", "cidr", "exists", "gt", "gte", "lt", "lte");

  private RuleParser() {}

  /** Parses rules from JSON or YAML text (detected); {@code origin} names the source in error messages. */
  public static List<Rule> parse(String text, String origin) {
    if (text.length() > MAX_TEXT_CHARS) {
      throw new RuleException(origin, "rule text is " + text.length() + " chars, the limit is " + MAX_TEXT_CHARS);
    }
    List<JsonNode> docs = read(text, origin);
    List<Rule> rules = new ArrayList<>();
    for (JsonNode doc : docs) {
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue;
      }
      if (doc.isArray()) {
        for (JsonNode n : doc) {
          rules.add(rule(n, origin, rules.size()));
        }
      } else {
        rules.add(rule(doc, origin, rules.size()));
      }
    }
    return rules;
  }

  private static List<JsonNode> read(String text, String origin) {
    String t = text.stripLeading();
    boolean json = t.startsWith("{") || t.startsWith("[");
    try {
      return readAll(json ? JSON : YAML, text);
    } catch (IOException e) {
      if (json) {
        try {
          return readAll(YAML, text); // YAML flow style also starts with { or [
        } catch (IOException ignored) {
          // report the JSON error: the text looked like JSON
        }
      }
      String msg = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      String where = e instanceof JsonProcessingException p && p.getLocation() != null
          ? " at line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() : "";
      throw new RuleException(origin, "not valid " + (json ? "JSON" : "YAML") + where + ": " + msg);
    }
  }

  private static List<JsonNode> readAll(ObjectMapper mapper, String text) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        out.add(it.nextValue());
      }
    }
    return out;
  }

  private static Rule rule(JsonNode n, String origin, int index) {
    String fallback = origin + " #" + (index + 1);
    if (!n.isObject()) {
      throw new RuleException(fallback, "a rule must be an object, got " + kind(n));
    }
    String name = n.hasNonNull("name") && n.get("name").isValueNode() ? n.get("name").asText() : null;
    Ctx c = new Ctx(name == null || name.isBlank() ? fallback : name);
    c.keys(n, HEADER, "");
    if (name == null || name.isBlank()) {
      throw c.fail("name is required");
    }
    String type = c.text(n, "type", null);
    if (type == null) {
      throw c.fail("type is required (one of " + String.join(", ", TYPES) + ")");
    }
    if (!TYPES.contains(type)) {
      throw c.fail("unknown type \"" + type + "\" (expected one of " + String.join(", ", TYPES) + ")");
    }
    String id = c.text(n, "id", null);
    if (id == null) {
      id = slug(name);
    } else if (id.isBlank()) {
      throw c.fail("id must not be empty");
    }
    String sev = c.text(n, "severity", "medium");
    Severity severity = Severity.parse(sev);
    if (severity == null) {
      throw c.fail("severity \"" + sev + "\" is not one of informational, low, medium, high, critical");
    }
    boolean enabled = c.bool(n, "enabled", true);
    List<String> tags = c.strings(n, "tags");
    List<String> groupBy = c.strings(n, "group_by");
    if (groupBy.size() > MAX_GROUP_BY) {
      throw c.fail("group_by has " + groupBy.size() + " fields, the limit is " + MAX_GROUP_BY);
    }
    for (String g : groupBy) {
      if (g.isBlank()) {
        throw c.fail("group_by must not contain an empty field name");
      }
    }
    String time = c.text(n, "time", "event");
    Rule.TimeBasis basis = switch (time) {
      case "event" -> Rule.TimeBasis.EVENT;
      case "ingest" -> Rule.TimeBasis.INGEST;
      default -> throw c.fail("time must be \"event\" or \"ingest\", was \"" + time + "\"");
    };
    Duration suppress = c.seconds(n, "suppress_seconds", Duration.ZERO, true);
    String description = c.text(n, "description", "");
    JsonNode config = n.get("config");
    if (config == null || !config.isObject()) {
      throw c.fail("config is required and must be an object");
    }
    Condition[] filter = new Condition[1];
    try {
      // inside the try: a spec's own checks (e.g. an empty "days:") throw IllegalArgumentException too
      Rule.Spec spec = spec(c, type, config, filter);
      Rule rule = new Rule(id, name, description, severity, enabled, tags, filter[0], groupBy, suppress, basis, spec);
      Compiler.check(rule);
      return rule;
    } catch (IllegalArgumentException e) {
      throw c.fail(type + " " + e.getMessage());
    }
  }

  private static Rule.Spec spec(Ctx c, String type, JsonNode cfg, Condition[] filter) {
    switch (type) {
      case "pattern" -> {
        c.keys(cfg, inlineOr(Set.of("match")), "config");
        filter[0] = inlineOrMatch(c, cfg, true);
        return new Rule.Pattern();
      }
      case "threshold" -> {
        c.keys(cfg, inlineOr(Set.of("match", "count", "window_seconds")), "config");
        filter[0] = inlineOrMatch(c, cfg, false);
        int count = c.integer(cfg, "count", "threshold count", 1, MAX_COUNT);
        return new Rule.Threshold(count, c.seconds(cfg, "window_seconds", null, false));
      }
      case "correlation" -> {
        c.keys(cfg, Set.of("match", "conditions", "within_seconds", "ordered"), "config");
        filter[0] = match(c, cfg);
        JsonNode steps = cfg.get("conditions");
        if (steps == null || !steps.isArray()) {
          throw c.fail("config.conditions is required: a list of at least 2 conditions");
        }
        if (steps.size() < 2) {
          throw c.fail("correlation needs at least 2 conditions, had " + steps.size());
        }
        if (steps.size() > MAX_STEPS) {
          throw c.fail("correlation has " + steps.size() + " conditions, the limit is " + MAX_STEPS);
        }
        List<Condition> list = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
          list.add(condition(c, steps.get(i), "config.conditions[" + i + "]"));
        }
        return new Rule.Correlation(list, c.seconds(cfg, "within_seconds", null, false), c.bool(cfg, "ordered", false));
      }
      case "value_count" -> {
        c.keys(cfg, Set.of("match", "field", "distinct", "window_seconds"), "config");
        filter[0] = match(c, cfg);
        String field = c.requiredText(cfg, "field", "config.field");
        int distinct = c.integer(cfg, "distinct", "value_count distinct", 2, MAX_DISTINCT);
        return new Rule.ValueCount(field, distinct, c.seconds(cfg, "window_seconds", null, false));
      }
      case "absence" -> {
        c.keys(cfg, Set.of("match", "expected", "within_seconds"), "config");
        if (!cfg.has("match")) {
          throw c.fail("config.match (the triggering event) is required");
        }
        filter[0] = match(c, cfg);
        if (!cfg.has("expected")) {
          throw c.fail("config.expected (the event that must follow) is required");
        }
        Condition expected = condition(c, cfg.get("expected"), "config.expected");
        return new Rule.Absence(expected, c.seconds(cfg, "within_seconds", null, false));
      }
      case "new_value" -> {
        c.keys(cfg, Set.of("match", "field", "learning_seconds"), "config");
        filter[0] = match(c, cfg);
        String field = c.requiredText(cfg, "field", "config.field");
        return new Rule.NewValue(field, c.seconds(cfg, "learning_seconds", Duration.ZERO, true));
      }
      case "time_of_day" -> {
        c.keys(cfg, Set.of("match", "start", "end", "days", "timezone"), "config");
        filter[0] = match(c, cfg);
        LocalTime start = c.time(cfg, "start");
        LocalTime end = c.time(cfg, "end");
        Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
        if (cfg.has("days")) {
          days = EnumSet.noneOf(DayOfWeek.class);
          for (String d : c.strings(cfg, "days")) {
            days.add(c.day(d));
          }
        }
        String tz = c.text(cfg, "timezone", "UTC");
        ZoneId zone;
        try {
          zone = ZoneId.of(tz);
        } catch (RuntimeException e) {
          throw c.fail("config.timezone \"" + tz + "\" is not a time zone (use a name like Europe/Berlin or UTC)");
        }
        return new Rule.TimeOfDay(start, end, days, zone);
      }
      default -> throw new IllegalStateException(type);
    }
  }

  private static Set<String> inlineOr(Set<String> own) {
    Set<String> s = new java.util.HashSet<>(own);
    s.add("field");
    s.add("case_sensitive");
    s.addAll(OPERATORS);
    return s;
  }

  /** The seed form (field + operator directly in config) or {@code match}; exactly one of them. */
  private static Condition inlineOrMatch(Ctx c, JsonNode cfg, boolean required) {
    boolean inline = cfg.has("field");
    if (inline && cfg.has("match")) {
      throw c.fail("config has both match and field: use one of them");
    }
    if (inline) {
      com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
      cfg.fields().forEachRemaining(e -> {
        if (e.getKey().equals("field") || e.getKey().equals("case_sensitive") || OPERATORS.contains(e.getKey())) {
          o.set(e.getKey(), e.getValue());
        }
      });
      return condition(c, o, "config");
    }
    for (String op : OPERATORS) {
      if (cfg.has(op)) {
        throw c.fail("config." + op + " needs config.field");
      }
    }
    if (cfg.has("case_sensitive")) {
      throw c.fail("config.case_sensitive needs config.field");
    }
    if (!cfg.has("match")) {
      if (required) {
        throw c.fail("config needs match (or the seed form field + regex/value)");
      }
      return Condition.TRUE;
    }
    return match(c, cfg);
  }

  private static Condition match(Ctx c, JsonNode cfg) {
    JsonNode m = cfg.get("match");
    return m == null || m.isNull() ? Condition.TRUE : condition(c, m, "config.match");
  }

  private static Condition condition(Ctx c, JsonNode n, String path) {
    if (n == null || !n.isObject()) {
      throw c.fail(path + " must be a condition object, got " + kind(n));
    }
    if (n.has("all") || n.has("any") || n.has("not")) {
      if (n.size() != 1) {
        throw c.fail(path + ": all/any/not must be the only key of its object, found " + names(n));
      }
      String k = n.fieldNames().next();
      JsonNode v = n.get(k);
      if (k.equals("not")) {
        return new Condition.Not(condition(c, v, path + ".not"));
      }
      if (!v.isArray()) {
        throw c.fail(path + "." + k + " must be a list of conditions");
      }
      List<Condition> list = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        list.add(condition(c, v.get(i), path + "." + k + "[" + i + "]"));
      }
      return k.equals("all") ? new Condition.All(list) : new Condition.Any(list);
    }
    Set<String> allowed = new java.util.HashSet<>(OPERATORS);
    allowed.add("field");
    allowed.add("case_sensitive");
    c.keys(n, allowed, path);
    String field = c.requiredText(n, "field", path + ".field");
    String op = null;
    for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
      String k = it.next();
      if (OPERATORS.contains(k)) {
        if (op != null) {
          throw c.fail(path + " has two operators (" + op + " and " + k + "): use all/any to combine tests");
        }
        op = k;
      }
    }
    if (op == null) {
      throw c.fail(path + " needs an operator: one of " + String.join(", ", new java.util.TreeSet<>(OPERATORS)));
    }
    boolean cs = c.bool(n, "case_sensitive", false);
    JsonNode v = n.get(op);
    String where = path + "." + op;
    Condition.Op o = switch (op) {
      case "value", "equals" -> Condition.Op.EQUALS;
      case "in" -> Condition.Op.IN;
      case "contains" -> Condition.Op.CONTAINS;
      case "starts_with" -> Condition.Op.STARTS_WITH;
      case "ends_with" -> Condition.Op.ENDS_WITH;
      case "regex" -> Condition.Op.REGEX;
      case "cidr" -> Condition.Op.CIDR;
      case "exists" -> Condition.Op.EXISTS;
      case "gt" -> Condition.Op.GT;
      case "gte" -> Condition.Op.GTE;
      case "lt" -> Condition.Op.LT;
      default -> Condition.Op.LTE;
    };
    List<String> values = switch (o) {
      case IN, CIDR -> {
        List<String> l = new ArrayList<>();
        if (v.isArray()) {
          for (JsonNode x : v) {
            l.add(c.scalar(x, where));
          }
        } else {
          l.add(c.scalar(v, where));
        }
        if (l.isEmpty()) {
          throw c.fail(where + " must not be empty");
        }
        yield l;
      }
      case EXISTS -> {
        if (!v.isBoolean()) {
          throw c.fail(where + " must be true or false, was " + v);
        }
        yield List.of(Boolean.toString(v.booleanValue()));
      }
      case GT, GTE, LT, LTE -> {
        if (!v.isNumber() && !(v.isTextual() && !Double.isNaN(Leaf.Numeric.parseNumber(v.asText())))) {
          throw c.fail(where + " must be a number, was " + v);
        }
        yield List.of(v.asText());
      }
      default -> {
        String s = c.scalar(v, where);
        if (s.isEmpty() && o != Condition.Op.EQUALS) {
          throw c.fail(where + " must not be empty");
        }
        if (o == Condition.Op.REGEX) {
          Regexes.compile(c.rule, where, s, cs);
        }
        yield List.of(s);
      }
    };
    if (o == Condition.Op.CIDR) {
      for (String s : values) {
        if (IpRange.parse(s) == null) {
          throw c.fail(where + ": \"" + s + "\" is not an IPv4 or IPv6 address or CIDR block");
        }
      }
    }
    return new Condition.Field(field, o, values, cs);
  }

  /** Lower-case name with runs of other characters turned into single dashes (the default rule id). */
  public static String slug(String name) {
    StringBuilder b = new StringBuilder();
    boolean dash = false;
    for (char ch : name.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
        if (dash && b.length() > 0) {
          b.append('-');
        }
        b.append(ch);
        dash = false;
      } else {
        dash = true;
      }
    }
    return b.length() == 0 ? "rule" : b.toString();
  }

  private static String kind(JsonNode n) {
    return n == null ? "nothing" : n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static String names(JsonNode n) {
    List<String> l = new ArrayList<>();
    n.fieldNames().forEachRemaining(l::add);
    return String.join(", ", l);
  }

  /** Validation helpers that name the rule. */
  private static final class Ctx {
    final String rule;

    Ctx(String rule) {
      this.rule = rule;
    }

    RuleException fail(String problem) {
      return new RuleException(rule, problem);
    }

    void keys(JsonNode n, Set<String> allowed, String path) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
        String k = it.next();
        if (!allowed.contains(k)) {
          throw fail("unknown key \"" + k + "\"" + (path.isEmpty() ? "" : " in " + path) + " (allowed: "
              + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
      }
    }

    String text(JsonNode n, String key, String dflt) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isValueNode()) {
        throw fail(key + " must be a string, got " + kind(v));
      }
      return v.asText();
    }

    String requiredText(JsonNode n, String key, String path) {
      String s = text(n, key, null);
      if (s == null || s.isBlank()) {
        throw fail(path + " is required");
      }
      return s;
    }

    String scalar(JsonNode v, String where) {
      if (v == null || !v.isValueNode() || v.isNull()) {
        throw fail(where + " must be a string or number, got " + kind(v));
      }
      return v.asText();
    }

    boolean bool(JsonNode n, String key, boolean dflt) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isBoolean()) {
        throw fail(key + " must be true or false, was " + v);
      }
      return v.booleanValue();
    }

    int integer(JsonNode n, String key, String label, int min, int max) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        throw fail(label + " is required");
      }
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw fail(label + " must be a whole number, was " + v);
      }
      long x = v.longValue();
      if (x < min) {
        throw fail(label + " must be " + (min == 1 ? "> 0" : ">= " + min) + ", was " + x);
      }
      if (x > max) {
        throw fail(label + " must be <= " + max + ", was " + x);
      }
      return (int) x;
    }

    Duration seconds(JsonNode n, String key, Duration dflt, boolean zeroOk) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        if (dflt == null) {
          throw fail(key + " is required");
        }
        return dflt;
      }
      if (!v.isNumber()) {
        throw fail(key + " must be a number of seconds, was " + v);
      }
      double s = v.doubleValue();
      if (s < 0 || (!zeroOk && s == 0)) {
        throw fail(key + " must be " + (zeroOk ? ">= 0" : "> 0") + ", was " + v);
      }
      if (s > 10L * 366 * 86_400) {
        throw fail(key + " must be at most ten years, was " + v);
      }
      return Duration.ofMillis(Math.round(s * 1000));
    }

    List<String> strings(JsonNode n, String key) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      if (v.isArray()) {
        for (JsonNode x : v) {
          out.add(scalar(x, key));
        }
      } else {
        out.add(scalar(v, key));
      }
      return out;
    }

    LocalTime time(JsonNode n, String key) {
      String s = text(n, key, null);
      if (s == null) {
        throw fail("config." + key + " is required (HH:MM)");
      }
      try {
        return LocalTime.parse(s.length() == 4 && s.charAt(1) == ':' ? "0" + s : s);
      } catch (DateTimeParseException e) {
        throw fail("config." + key + " \"" + s + "\" is not a time of day (HH:MM or HH:MM:SS)");
      }
    }

    DayOfWeek day(String d) {
      String s = d.trim().toLowerCase(Locale.ROOT);
      for (DayOfWeek w : DayOfWeek.values()) {
        String full = w.name().toLowerCase(Locale.ROOT);
        if (s.equals(full) || s.equals(full.substring(0, 3))) {
          return w;
        }
      }
      throw fail("config.days: \"" + d + "\" is not a weekday (mon, tue, wed, thu, fri, sat, sun)");
    }
  }
}
