package io.phosor.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.auth.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code POST /api/rules/test}: runs one rule (inline, or a rule in force named by id) over sample lines and
 * events, like {@code phosor rules test}, without touching the running engine.
 */
public final class DetectRoutes {
  private final ObjectMapper mapper;
  private final Supplier<List<Rule>> rules;
  private final java.util.function.Function<String, Rule> text;

  /** {@code rules}: the rules in force, so a test may name one by id instead of giving it inline. */
  public DetectRoutes(ObjectMapper mapper, Supplier<List<Rule>> rules) {
    this(mapper, rules, t -> {
      List<Rule> parsed = RuleFiles.parse(t, "rule");
      if (parsed.size() != 1) {
        throw new RuleSetException("rule: give exactly one rule (got " + parsed.size() + ")");
      }
      return parsed.get(0);
    });
  }

  /**
   * As above; {@code text} turns a rule given as text (YAML, or a Sigma document) into one rule, as saving it
   * would ({@link RuleCatalog#parseOne}).
   */
  public DetectRoutes(ObjectMapper mapper, Supplier<List<Rule>> rules, java.util.function.Function<String, Rule> text) {
    this.mapper = mapper;
    this.rules = rules;
    this.text = text;
  }

  /** Registers the routes (admin only). */
  public void register(Javalin app) {
    app.post("/api/rules/test", this::test, Role.ANALYST);
  }

  private void test(Context ctx) {
    JsonNode body;
    try {
      body = mapper.readTree(ctx.body());
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body is not valid JSON: " + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("body must be a JSON object {\"rule\": {...}, \"lines\": [...], \"events\": [...]}");
    }
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!List.of("rule", "lines", "events", "year").contains(f)) {
        throw ApiException.badRequest("unknown field '" + abbreviate(f) + "'; accepted: rule, lines, events, year");
      }
    }
    JsonNode rule = body.get("rule");
    if (rule == null || !(rule.isObject() || rule.isTextual())) {
      throw ApiException.badRequest("'rule' must be a rule object, a rule as YAML or Sigma text, or the id of a loaded "
          + "rule");
    }
    Integer year = null;
    if (body.hasNonNull("year")) {
      if (!body.get("year").canConvertToInt() || body.get("year").asInt() < 1970 || body.get("year").asInt() > 9999) {
        throw ApiException.badRequest("'year' must be a year such as 2024");
      }
      year = body.get("year").asInt();
    }
    JsonNode ev = body.get("events");
    List<JsonNode> events = new ArrayList<>();
    if (ev != null && !ev.isNull()) {
      if (!ev.isArray()) {
        throw ApiException.badRequest("'events' must be a list of JSON objects");
      }
      for (JsonNode e : ev) {
        if (!e.isObject()) {
          throw ApiException.badRequest("every entry of 'events' must be a JSON object, got " + abbreviate(e.toString()));
        }
        events.add(e);
      }
    }
    List<String> lines;
    try {
      lines = RuleTestRunner.lines(body.get("lines"), "request", "request");
    } catch (RuleSetException e) {
      throw ApiException.badRequest("'lines' must be a list of strings (or one block of text)");
    }
    if (lines.size() + events.size() > RuleTestRunner.MAX_EVENTS) {
      throw ApiException.badRequest("at most " + RuleTestRunner.MAX_EVENTS + " lines and events per request");
    }
    try {
      RuleTestRunner.Case c = new RuleTestRunner.Case("request", "request", rule, year, lines, events, List.of());
      Map<String, Rule> byId = new LinkedHashMap<>();
      rules.get().forEach(x -> byId.put(x.id(), x));
      RuleTestRunner runner = new RuleTestRunner(byId, true);
      // a string with a line break is a rule written out (YAML or Sigma); without one, a rule id
      Rule r = rule.isTextual() && rule.asText().contains("\n") ? RuleFiles.enabled(text.apply(rule.asText()))
          : runner.resolve(c);
      RuleTestRunner.Output out = runner.execute(r, year, lines, events);
      List<Map<String, Object>> list = new ArrayList<>();
      out.alerts().forEach(a -> list.add(AlertJson.toMap(a)));
      Map<String, Object> resp = new LinkedHashMap<>();
      resp.put("alerts", list);
      resp.put("events", out.events());
      ctx.json(resp);
    } catch (RuleSetException | RuleException e) {
      throw new ApiException(400, "invalid_rule", e.getMessage());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
