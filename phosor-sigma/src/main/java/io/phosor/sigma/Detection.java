package io.phosor.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.detect.Condition;
import io.phosor.detect.Condition.Op;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Sigma {@code detection} section turned into one Phosor {@link Condition}: search identifiers (maps of
 * field tests, lists of maps, keyword lists), value modifiers, wildcards and the condition expression.
 * Anything Phosor cannot run exactly is thrown as {@link Unsupported} with the reason.
 */
final class Detection {
  private static final Set<String> KNOWN = Set.of("contains", "startswith", "endswith", "all", "re", "i", "m", "s",
      "cidr", "exists", "lt", "lte", "gt", "gte", "base64", "base64offset", "windash", "cased");
  private static final int MAX_VALUES = 10_000;
  private final SigmaMapping mapping;
  private int values;

  Detection(SigmaMapping mapping) {
    this.mapping = mapping;
  }

  /** The result: the condition plus a legacy aggregation ({@code | count() by x > n}), if any. */
  record Result(Condition condition, Aggregation aggregation) {}

  /** A Sigma 1 aggregation: count() or count(field), optional by-field, operator and number. */
  record Aggregation(String countField, String byField, String op, long value) {}

  Result convert(JsonNode detection) {
    if (detection == null || !detection.isObject()) {
      throw new Unsupported("detection is missing or not a map");
    }
    Map<String, JsonNode> searches = new LinkedHashMap<>();
    detection.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("condition") && !e.getKey().equals("timeframe")) {
        searches.put(e.getKey(), e.getValue());
      }
    });
    JsonNode cond = detection.get("condition");
    if (cond == null || cond.isNull()) {
      throw new Unsupported("detection has no condition");
    }
    List<String> conditions = new ArrayList<>();
    if (cond.isArray()) {
      cond.forEach(c -> conditions.add(c.asText()));
    } else {
      conditions.add(cond.asText());
    }
    if (conditions.size() != 1) {
      // several conditions are alternatives; an aggregation in any of them makes that ambiguous
      List<Condition> any = new ArrayList<>();
      for (String c : conditions) {
        Result r = expression(c, searches);
        if (r.aggregation() != null) {
          throw new Unsupported("a list of conditions with an aggregation");
        }
        any.add(r.condition());
      }
      return new Result(new Condition.Any(any), null);
    }
    return expression(conditions.get(0), searches);
  }

  private Result expression(String text, Map<String, JsonNode> searches) {
    String expr = text;
    Aggregation agg = null;
    int bar = text.indexOf('|');
    if (bar >= 0) {
      expr = text.substring(0, bar).trim();
      agg = aggregation(text.substring(bar + 1).trim());
    }
    Map<String, Condition> compiled = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : searches.entrySet()) {
      compiled.put(e.getKey(), search(e.getKey(), e.getValue()));
    }
    return new Result(new ConditionParser(expr, compiled).parse(), agg);
  }

  private static Aggregation aggregation(String s) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("count\\(\\s*([\\w.\\-]*)\\s*\\)(?:\\s+by\\s+([\\w.\\-]+))?\\s*(>=|<=|>|<|==|=)\\s*(\\d+)")
        .matcher(s);
    if (s.startsWith("near ") || s.startsWith("near(")) {
      throw new Unsupported("the deprecated \"near\" aggregation (write a Sigma correlation rule instead)");
    }
    if (!m.matches()) {
      throw new Unsupported("aggregation \"" + s + "\" (only count() and count(field), with by and a comparison)");
    }
    return new Aggregation(m.group(1).isEmpty() ? null : m.group(1), m.group(2), m.group(3), Long.parseLong(m.group(4)));
  }

  /** One search identifier: a map (AND of fields), a list of maps (OR) or a list of keywords (OR). */
  private Condition search(String name, JsonNode n) {
    if (n.isObject()) {
      return fields(n);
    }
    if (n.isArray()) {
      List<Condition> any = new ArrayList<>();
      boolean maps = false;
      for (JsonNode x : n) {
        if (x.isObject()) {
          maps = true;
          any.add(fields(x));
        } else if (x.isValueNode()) {
          any.add(keyword(x));
        } else {
          throw new Unsupported("search \"" + name + "\" mixes lists and values");
        }
      }
      return any.size() == 1 && maps ? any.get(0) : new Condition.Any(any);
    }
    if (n.isValueNode()) {
      return keyword(n);
    }
    throw new Unsupported("search \"" + name + "\" is neither a map nor a list");
  }

  private Condition keyword(JsonNode v) {
    if (v.isNull()) {
      throw new Unsupported("a null keyword");
    }
    return value(mapping.keywordField(), List.of("contains"), v.asText(), false);
  }

  private Condition fields(JsonNode map) {
    List<Condition> all = new ArrayList<>();
    map.fields().forEachRemaining(e -> all.add(field(e.getKey(), e.getValue())));
    return all.size() == 1 ? all.get(0) : new Condition.All(all);
  }

  private Condition field(String key, JsonNode value) {
    String[] parts = key.split("\\|", -1);
    List<String> mods = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String m = parts[i].trim().toLowerCase(Locale.ROOT);
      if (!KNOWN.contains(m)) {
        throw new Unsupported("value modifier \"" + parts[i] + "\"" + reasonFor(m));
      }
      mods.add(m);
    }
    boolean keywordSearch = parts[0].isEmpty();
    if (keywordSearch && !mods.contains("contains") && !mods.contains("startswith") && !mods.contains("endswith")
        && !mods.contains("re")) {
      mods.add("contains"); // keywords are searched anywhere in the text, with or without |all
    }
    String field = keywordSearch ? mapping.keywordField() : mapping.field(parts[0]);
    boolean all = mods.contains("all");
    List<JsonNode> vs = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(vs::add);
    } else {
      vs.add(value);
    }
    if (vs.isEmpty()) {
      throw new Unsupported("field " + parts[0] + " has an empty list of values");
    }
    if (mods.contains("exists")) {
      if (vs.size() != 1 || !vs.get(0).isBoolean()) {
        throw new Unsupported("exists takes true or false");
      }
      return new Condition.Field(field, Op.EXISTS, List.of(Boolean.toString(vs.get(0).asBoolean())), false);
    }
    List<Condition> cs = new ArrayList<>();
    for (JsonNode v : vs) {
      if (v.isNull()) {
        if (!mods.isEmpty()) {
          throw new Unsupported("a null value with modifiers on " + parts[0]);
        }
        cs.add(new Condition.Field(field, Op.EXISTS, List.of("false"), false));
      } else if (!v.isValueNode()) {
        throw new Unsupported("field " + parts[0] + " has a nested value");
      } else {
        cs.add(value(field, mods, v.asText(), v.isNumber()));
      }
    }
    if (cs.size() == 1) {
      return cs.get(0);
    }
    return all ? new Condition.All(cs) : new Condition.Any(cs);
  }

  private static String reasonFor(String m) {
    return switch (m) {
      case "wide", "utf16", "utf16le", "utf16be" ->
          " (UTF-16 encodings: Phosor's fields are text, so these can never match)";
      case "expand" -> " (placeholders need a placeholder configuration)";
      case "fieldref" -> " (comparing two fields of one event)";
      default -> "";
    };
  }

  /** One value with its modifiers: transformations (base64, windash) first, then the match operator. */
  private Condition value(String field, List<String> mods, String raw, boolean number) {
    if (++values > MAX_VALUES) {
      throw new Unsupported("more than " + MAX_VALUES + " values");
    }
    boolean cased = mods.contains("cased");
    for (String cmp : List.of("lt", "lte", "gt", "gte")) {
      if (mods.contains(cmp)) {
        try {
          Double.parseDouble(raw);
        } catch (NumberFormatException e) {
          throw new Unsupported(cmp + " needs a number, got \"" + raw + "\"");
        }
        return new Condition.Field(field, Op.valueOf(cmp.toUpperCase(Locale.ROOT)), List.of(raw), false);
      }
    }
    if (mods.contains("cidr")) {
      return new Condition.Field(field, Op.CIDR, List.of(raw), false);
    }
    if (mods.contains("re")) {
      String flags = (mods.contains("i") ? "i" : "") + (mods.contains("m") ? "m" : "") + (mods.contains("s") ? "s" : "");
      String re = flags.isEmpty() ? raw : "(?" + flags + ")" + raw;
      // Sigma regexes are case-sensitive unless the i flag is given
      return new Condition.Field(field, Op.REGEX, List.of(re), !mods.contains("i"));
    }
    List<String> variants = List.of(raw);
    if (mods.contains("windash")) {
      variants = windash(raw);
    }
    boolean b64 = mods.contains("base64");
    boolean b64off = mods.contains("base64offset");
    if (b64 || b64off) {
      List<String> enc = new ArrayList<>();
      for (String v : variants) {
        String plain = Wildcards.unescape(v);
        if (b64) {
          enc.add(Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
        } else {
          enc.addAll(base64offset(plain));
        }
      }
      // encoded text is matched exactly as written (base64 is case-sensitive); wildcards no longer apply
      String kind = mods.contains("contains") || b64off ? "contains"
          : mods.contains("startswith") ? "startswith" : mods.contains("endswith") ? "endswith" : "equals";
      List<Condition> any = new ArrayList<>();
      for (String e : enc) {
        any.add(new Condition.Field(field, op(kind), List.of(e), true));
      }
      return any.size() == 1 ? any.get(0) : new Condition.Any(any);
    }
    String kind = mods.contains("contains") ? "contains" : mods.contains("startswith") ? "startswith"
        : mods.contains("endswith") ? "endswith" : "equals";
    List<Condition> any = new ArrayList<>();
    for (String v : variants) {
      any.add(Wildcards.match(field, kind, v, cased));
    }
    return any.size() == 1 ? any.get(0) : new Condition.Any(any);
  }

  private static Op op(String kind) {
    return switch (kind) {
      case "contains" -> Op.CONTAINS;
      case "startswith" -> Op.STARTS_WITH;
      case "endswith" -> Op.ENDS_WITH;
      default -> Op.EQUALS;
    };
  }

  /** windash: the value with each of its dashes written as -, /, en dash, em dash or horizontal bar. */
  static List<String> windash(String v) {
    if (v.indexOf('-') < 0) {
      return List.of(v);
    }
    List<String> out = new ArrayList<>();
    for (String d : List.of("-", "/", "\u2013", "\u2014", "\u2015")) {
      out.add(v.replace("-", d));
    }
    return out;
  }

  /**
   * base64offset: the three encodings of the value at byte offsets 0, 1 and 2 of a longer base64 text, each
   * cut to the characters that do not depend on the neighbouring bytes (as Sigma defines it).
   */
  static List<String> base64offset(String plain) {
    byte[] b = plain.getBytes(StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    int[] start = {0, 2, 3};
    for (int i = 0; i < 3; i++) {
      byte[] padded = new byte[b.length + i];
      java.util.Arrays.fill(padded, 0, i, (byte) ' ');
      System.arraycopy(b, 0, padded, i, b.length);
      String enc = Base64.getEncoder().encodeToString(padded);
      int endTrim = new int[] {0, 3, 2}[(b.length + i) % 3];
      String s = enc.substring(start[i], enc.length() - endTrim);
      out.add(s);
    }
    return out;
  }
}
