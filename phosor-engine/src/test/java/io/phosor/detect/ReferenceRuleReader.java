package io.phosor.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.phosor.event.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A second, deliberately plain reader of the fixed rule format (shared-ruleformat.md), written from the
 * brief alone. Tests use it to (a) run the built-in pack on {@link ReferenceEngine} without depending on
 * {@link RuleParser}, and (b) cross-check {@link RuleParser}: both must build equal {@link Rule} records.
 */
final class ReferenceRuleReader {
  private static final YAMLMapper YAML = new YAMLMapper();

  private ReferenceRuleReader() {}

  /** Reads one rule, a list of rules, or several YAML documents (JSON is YAML). */
  static List<Rule> read(String text) {
    List<Rule> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (doc.isArray()) {
          doc.forEach(n -> out.add(rule(n)));
        } else {
          out.add(rule(doc));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Builds one rule from its tree. */
  static Rule rule(JsonNode n) {
    String name = n.path("name").asText(null);
    String id = n.hasNonNull("id") ? n.get("id").asText() : slug(name);
    String type = n.path("type").asText();
    JsonNode c = n.path("config");
    Condition filter = c.has("match") ? condition(c.get("match")) : Condition.TRUE;
    Rule.Spec spec;
    switch (type) {
      case "pattern" -> {
        if (!c.has("match") && c.has("field")) {
          filter = c.has("regex")
              ? new Condition.Field(c.get("field").asText(), Condition.Op.REGEX, List.of(c.get("regex").asText()),
                  c.path("case_sensitive").asBoolean(false))
              : condition(c);
        }
        spec = new Rule.Pattern();
      }
      case "threshold" -> {
        if (!c.has("match") && c.has("field")) {
          filter = condition(c);
        }
        spec = new Rule.Threshold(c.get("count").asInt(), seconds(c, "window_seconds"));
      }
      case "correlation" -> {
        List<Condition> steps = new ArrayList<>();
        c.get("conditions").forEach(s -> steps.add(condition(s)));
        spec = new Rule.Correlation(steps, seconds(c, "within_seconds"), c.path("ordered").asBoolean(false));
      }
      case "value_count" -> spec = new Rule.ValueCount(c.get("field").asText(), c.get("distinct").asInt(),
          seconds(c, "window_seconds"));
      case "absence" -> spec = new Rule.Absence(condition(c.get("expected")), seconds(c, "within_seconds"));
      case "new_value" -> spec = new Rule.NewValue(c.get("field").asText(),
          Duration.ofSeconds(c.path("learning_seconds").asLong(0)));
      case "time_of_day" -> {
        Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
        if (c.has("days")) {
          days = EnumSet.noneOf(DayOfWeek.class);
          for (JsonNode d : c.get("days")) {
            days.add(day(d.asText()));
          }
        }
        spec = new Rule.TimeOfDay(LocalTime.parse(c.get("start").asText()), LocalTime.parse(c.get("end").asText()),
            days, ZoneId.of(c.path("timezone").asText("UTC")));
      }
      default -> throw new IllegalArgumentException("rule " + name + ": unknown type " + type);
    }
    List<String> tags = new ArrayList<>();
    n.path("tags").forEach(t -> tags.add(t.asText()));
    return new Rule(id, name, n.path("description").asText(""), Severity.parse(n.path("severity").asText("medium")),
        n.path("enabled").asBoolean(true), tags, filter, strings(n.get("group_by")),
        Duration.ofSeconds(n.path("suppress_seconds").asLong(0)),
        "ingest".equals(n.path("time").asText("event")) ? Rule.TimeBasis.INGEST : Rule.TimeBasis.EVENT, spec);
  }

  /** Reads a condition: {all}, {any}, {not}, or a field test. */
  static Condition condition(JsonNode n) {
    if (n.has("all")) {
      List<Condition> l = new ArrayList<>();
      n.get("all").forEach(x -> l.add(condition(x)));
      return new Condition.All(l);
    }
    if (n.has("any")) {
      List<Condition> l = new ArrayList<>();
      n.get("any").forEach(x -> l.add(condition(x)));
      return new Condition.Any(l);
    }
    if (n.has("not")) {
      return new Condition.Not(condition(n.get("not")));
    }
    String field = n.get("field").asText();
    boolean cs = n.path("case_sensitive").asBoolean(false);
    String[][] ops = {{"equals", "EQUALS"}, {"value", "EQUALS"}, {"in", "IN"}, {"contains", "CONTAINS"},
        {"starts_with", "STARTS_WITH"}, {"ends_with", "ENDS_WITH"}, {"regex", "REGEX"}, {"cidr", "CIDR"},
        {"exists", "EXISTS"}, {"gt", "GT"}, {"gte", "GTE"}, {"lt", "LT"}, {"lte", "LTE"}};
    for (String[] op : ops) {
      if (n.has(op[0])) {
        Condition.Op o = Condition.Op.valueOf(op[1]);
        List<String> values = o == Condition.Op.EXISTS
            ? List.of() : strings(n.get(op[0]));
        if (o == Condition.Op.EXISTS && !n.get(op[0]).asBoolean()) {
          return new Condition.Not(new Condition.Field(field, o, values, cs));
        }
        return new Condition.Field(field, o, values, cs);
      }
    }
    throw new IllegalArgumentException("condition on " + field + " has no operator: " + n);
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      out.add(n.asText());
    }
    return out;
  }

  private static Duration seconds(JsonNode c, String name) {
    return Duration.ofSeconds(c.get(name).asLong());
  }

  private static DayOfWeek day(String d) {
    String s = d.trim().toLowerCase(Locale.ROOT);
    for (DayOfWeek w : DayOfWeek.values()) {
      if (w.name().toLowerCase(Locale.ROOT).startsWith(s.substring(0, 3))) {
        return w;
      }
    }
    throw new IllegalArgumentException("not a weekday: " + d);
  }

  /** "Brute Force Detection" -> "brute-force-detection". */
  static String slug(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
  }
}
