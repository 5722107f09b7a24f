package io.phosor.sigma;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.phosor.detect.Condition;
import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.detect.Rule;
import io.phosor.detect.RuleException;
import io.phosor.event.Severity;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sigma rules in, engine rules out: detection rules (SigmaHQ format) and correlation rules (Sigma
 * correlation specification v2.1), converted together so that correlations find the rules they reference
 * by id or name. Every document gets a {@link Report}: the converted rule, or the reason it is
 * unsupported. Pure: no I/O besides reading the mapping given.
 */
public final class SigmaRules {
  /** Largest Sigma text accepted at once. */
  public static final int MAX_TEXT_CHARS = 16 * 1024 * 1024;
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Pattern TIMESPAN = Pattern.compile("(\\d+)\\s*([smhdw])");

  private SigmaRules() {}

  /**
   * One file (or request body) of Sigma YAML, with one or more documents.
   *
   * @param file the file name shown in reports (may be null)
   * @param text the YAML
   */
  public record Source(String file, String text) {}

  /**
   * What became of one Sigma document.
   *
   * @param file the file it came from (may be null)
   * @param document its 1-based position in the file
   * @param title its title
   * @param sigmaId its id (may be null)
   * @param name its name (may be null)
   * @param kind "detection", "correlation" or "unknown"
   * @param rule the engine rule, or null when unsupported
   * @param reason why it is unsupported, or null
   * @param level its level as written (may be null)
   * @param falsepositives its false positives as written
   */
  public record Report(String file, int document, String title, String sigmaId, String name, String kind, Rule rule,
      String reason, String level, List<String> falsepositives) {
    /** Whether the document converted. */
    public boolean supported() {
      return rule != null;
    }

    /** The Phosor rule id the document has (or would have): its Sigma id, else derived from its name or title. */
    public String ruleId() {
      return idOf(sigmaId, name, title);
    }

    /** {@code file: title: supported} or {@code ...: unsupported: reason}, as {@code phosor rules import --dry-run} prints. */
    public String line() {
      return (file == null ? "-" : file) + (document > 1 ? "#" + document : "") + ": " + title + ": "
          + (supported() ? "supported" : "unsupported: " + reason);
    }
  }

  /** Whether {@code text} looks like Sigma (a top-level detection or correlation key) rather than a Phosor rule. */
  public static boolean looksLikeSigma(String text) {
    return Pattern.compile("(?m)^(detection|correlation)\\s*:").matcher(text).find()
        && Pattern.compile("(?m)^title\\s*:").matcher(text).find();
  }

  /**
   * Reads the documents of one source.
   *
   * @throws IllegalArgumentException when the text is not YAML, naming the source, line and column
   */
  public static List<JsonNode> documents(Source s) {
    if (s.text().length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException((s.file() == null ? "Sigma text" : s.file()) + " is larger than "
          + MAX_TEXT_CHARS + " characters");
    }
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(s.text())) {
      while (it.hasNextValue()) {
        out.add(it.nextValue());
      }
    } catch (IOException e) {
      String where = e instanceof JsonProcessingException p && p.getLocation() != null
          ? " at line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() : "";
      String msg = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException((s.file() == null ? "Sigma text" : s.file()) + " is not valid YAML" + where
          + ": " + msg, e);
    }
    return out;
  }

  /**
   * The text of each non-empty document of {@code s}, in order, for storing one rule per document: the
   * original text between {@code ---} lines (comments kept), or the document written out again when the
   * file cannot be split that simply.
   */
  public static List<String> documentTexts(Source s) {
    List<JsonNode> docs = documents(s).stream().filter(n -> n != null && !n.isNull() && !n.isMissingNode()).toList();
    List<String> parts = new ArrayList<>();
    for (String p : s.text().split("(?m)^---[ \t]*$")) {
      if (!p.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        parts.add(p.strip() + "\n");
      }
    }
    if (parts.size() == docs.size()) {
      return parts;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : docs) {
      try {
        out.add(YAML.writeValueAsString(n).replaceFirst("^---\\s*\n", ""));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot write a Sigma document back: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** The rule id each non-empty document of {@code s} takes (see {@link Report#ruleId()}), without converting. */
  public static List<String> ruleIds(Source s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (JsonNode n : documents(s)) {
      i++;
      if (n != null && !n.isNull() && !n.isMissingNode()) {
        out.add(new Doc(s.file(), i, n).ruleId());
      }
    }
    return out;
  }

  /**
   * Converts every document of {@code sources}, in order. Correlations may reference any document of any
   * source. A detection rule referenced only by correlations with {@code generate: false} (the default) is
   * returned disabled: it raises no alerts of its own, and the correlations still see its events.
   *
   * @throws IllegalArgumentException when a source is not YAML
   */
  public static List<Report> convert(List<Source> sources, SigmaMapping mapping) {
    List<Doc> docs = new ArrayList<>();
    for (Source s : sources) {
      int i = 0;
      for (JsonNode n : documents(s)) {
        i++;
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(new Doc(s.file(), i, n));
        }
      }
    }
    return new Converter(docs, mapping).run();
  }

  /** One document while converting. */
  private static final class Doc {
    final String file;
    final int index;
    final JsonNode n;
    final String title;
    final String sigmaId;
    final String name;
    final String kind;
    Rule rule;
    String reason;
    boolean done;
    boolean busy;
    /** The events of a plain detection rule (its filter), for correlations that reference it. */
    Condition events;

    Doc(String file, int index, JsonNode n) {
      this.file = file;
      this.index = index;
      this.n = n;
      this.title = n.isObject() && n.hasNonNull("title") ? n.get("title").asText() : null;
      this.sigmaId = n.isObject() && n.hasNonNull("id") ? n.get("id").asText() : null;
      this.name = n.isObject() && n.hasNonNull("name") ? n.get("name").asText() : null;
      this.kind = !n.isObject() ? "unknown" : n.has("correlation") ? "correlation" : n.has("detection") ? "detection"
          : "unknown";
    }

    String display() {
      return title != null ? title : name != null ? name : sigmaId != null ? sigmaId : "document " + index;
    }

    String ruleId() {
      return idOf(sigmaId, name, display());
    }
  }

  private static final class Converter {
    private final List<Doc> docs;
    private final SigmaMapping mapping;
    private final Map<String, Doc> byRef = new HashMap<>();
    private final Set<Doc> silenced = new HashSet<>();
    private final Set<Doc> generating = new HashSet<>();

    Converter(List<Doc> docs, SigmaMapping mapping) {
      this.docs = docs;
      this.mapping = mapping;
      for (Doc d : docs) {
        if (d.name != null) {
          byRef.putIfAbsent(d.name, d);
        }
      }
      for (Doc d : docs) {
        if (d.sigmaId != null) {
          byRef.put(d.sigmaId, d); // ids win over names
        }
      }
    }

    List<Report> run() {
      for (Doc d : docs) {
        convert(d);
      }
      List<Report> out = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (Doc d : docs) {
        Rule r = d.rule;
        String reason = d.reason;
        if (r != null && !ids.add(r.id())) {
          r = null;
          reason = "another document of this import has the same id " + d.ruleId();
        }
        if (r != null && silenced.contains(d) && !generating.contains(d)) {
          r = r.withEnabled(false);
        }
        List<String> fps = new ArrayList<>();
        if (d.n.isObject() && d.n.path("falsepositives").isArray()) {
          d.n.get("falsepositives").forEach(x -> fps.add(x.asText()));
        }
        String level = d.n.isObject() && d.n.hasNonNull("level") ? d.n.get("level").asText() : null;
        out.add(new Report(d.file, d.index, d.display(), d.sigmaId, d.name, d.kind, r, reason, level, fps));
      }
      return out;
    }

    private void convert(Doc d) {
      if (d.done) {
        return;
      }
      if (d.busy) {
        throw new Unsupported("correlation references form a cycle through \"" + d.display() + "\"");
      }
      d.busy = true;
      try {
        if (!d.n.isObject()) {
          throw new Unsupported("a Sigma document must be a map");
        }
        if (d.title == null && d.kind.equals("detection")) {
          throw new Unsupported("title is missing");
        }
        d.rule = switch (d.kind) {
          case "detection" -> detection(d);
          case "correlation" -> correlation(d);
          default -> throw new Unsupported(d.n.has("filter") ? "Sigma filter documents (meta filters)"
              : "neither a detection nor a correlation (an incomplete rule)");
        };
        check(d.rule);
      } catch (Unsupported e) {
        d.rule = null;
        d.reason = e.getMessage();
      } catch (RuleException | IllegalArgumentException e) {
        d.rule = null;
        d.reason = e.getMessage();
      } finally {
        d.busy = false;
        d.done = true;
      }
    }

    private static void check(Rule r) {
      // compile it as the engine will (regexes, CIDRs, numbers)
      new Engine(EngineConfig.DEFAULTS, Clock.systemUTC()).setRules(List.of(r.withEnabled(true)));
    }

    private Rule detection(Doc d) {
      JsonNode ls = d.n.path("logsource");
      Condition source = mapping.logsource(lower(ls, "product"), lower(ls, "category"), lower(ls, "service"));
      Detection.Result det = new Detection(mapping).convert(d.n.get("detection"));
      Condition filter = source == null ? det.condition() : new Condition.All(List.of(source, det.condition()));
      d.events = filter;
      Detection.Aggregation agg = det.aggregation();
      if (agg == null) {
        return header(d, filter, List.of(), new Rule.Pattern());
      }
      JsonNode tf = d.n.path("detection").path("timeframe");
      if (tf.isMissingNode() || tf.isNull()) {
        throw new Unsupported("an aggregation without a timeframe");
      }
      Duration window = timespan(tf.asText());
      List<String> group = agg.byField() == null ? List.of() : List.of(mapping.field(agg.byField()));
      String valueField = agg.countField() == null ? null : mapping.field(agg.countField());
      Rule.Kind kind = valueField == null ? Rule.Kind.EVENT_COUNT : Rule.Kind.VALUE_COUNT;
      double v = agg.value();
      Rule.Bounds b = switch (agg.op()) {
        case ">" -> new Rule.Bounds(v, null, null, null, null, null);
        case ">=" -> new Rule.Bounds(null, v, null, null, null, null);
        case "<" -> new Rule.Bounds(null, null, v, null, null, null);
        case "<=" -> new Rule.Bounds(null, null, null, v, null, null);
        default -> new Rule.Bounds(null, null, null, null, v, null);
      };
      Rule.Input in = new Rule.Input(d.display(), filter, null, group, valueField);
      d.events = null; // the rule's alerts are aggregates, not events
      return header(d, Condition.TRUE, group, new Rule.Aggregate(kind, List.of(in), window, b));
    }

    private Rule correlation(Doc d) {
      JsonNode c = d.n.get("correlation");
      if (!c.isObject()) {
        throw new Unsupported("correlation must be a map");
      }
      String type = c.path("type").asText(null);
      if (type == null) {
        throw new Unsupported("correlation has no type (an incomplete rule)");
      }
      Rule.Kind kind;
      try {
        kind = Rule.Kind.valueOf(type.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Unsupported("correlation type \"" + type + "\"");
      }
      if (!c.path("rules").isArray() || c.get("rules").isEmpty()) {
        throw new Unsupported("correlation has no rules");
      }
      if (!c.hasNonNull("timespan")) {
        throw new Unsupported("correlation has no timespan");
      }
      Duration window = timespan(c.get("timespan").asText());
      List<String> groupBy = new ArrayList<>();
      c.path("group-by").forEach(g -> groupBy.add(g.asText()));
      JsonNode aliases = c.path("aliases");
      boolean generate = c.path("generate").asBoolean(false);
      JsonNode cond = c.path("condition");
      Rule.Bounds bounds = null;
      String field = null;
      if (cond.isObject()) {
        field = cond.hasNonNull("field") ? cond.get("field").asText() : null;
        bounds = bounds(cond);
      } else if (!cond.isMissingNode() && !cond.isNull()) {
        throw new Unsupported("correlation condition must be a map of gt/gte/lt/lte/eq/neq");
      }
      if (kind == Rule.Kind.TEMPORAL_ORDERED && bounds != null) {
        throw new Unsupported("a condition on temporal_ordered");
      }
      if (kind.needsField() && field == null) {
        throw new Unsupported(type + " needs condition.field");
      }
      if (!kind.needsField() && field != null) {
        throw new Unsupported("condition.field on " + type);
      }
      List<String> names = new ArrayList<>();
      for (String g : groupBy) {
        names.add(aliases.has(g) ? g : mapping.field(g));
      }
      List<Rule.Input> inputs = new ArrayList<>();
      for (JsonNode r : c.get("rules")) {
        String ref = r.asText();
        Doc target = byRef.get(ref);
        if (target == null) {
          throw new Unsupported("references rule \"" + ref + "\", which is not in this import or already stored");
        }
        convert(target);
        if (target.rule == null) {
          throw new Unsupported("references \"" + target.display() + "\", which is unsupported: " + target.reason);
        }
        List<String> fields = new ArrayList<>();
        for (String g : groupBy) {
          fields.add(aliasField(aliases, g, target, ref));
        }
        String vf = field == null ? null : aliasField(aliases, field, target, ref);
        if (target.events != null) {
          inputs.add(new Rule.Input(ref, target.events, null, fields, vf));
        } else {
          inputs.add(new Rule.Input(ref, null, target.rule.id(), fields, vf));
        }
        (generate ? generating : silenced).add(target);
      }
      d.events = null;
      return header(d, Condition.TRUE, names, new Rule.Aggregate(kind, inputs, window, bounds));
    }

    /** The field of group (or value) name {@code g} in rule {@code target}: its alias entry, else the mapped name. */
    private String aliasField(JsonNode aliases, String g, Doc target, String ref) {
      JsonNode a = aliases.path(g);
      if (a.isObject()) {
        JsonNode f = a.has(ref) ? a.get(ref) : target.name != null && a.has(target.name) ? a.get(target.name)
            : target.sigmaId != null && a.has(target.sigmaId) ? a.get(target.sigmaId) : null;
        if (f == null) {
          throw new Unsupported("alias \"" + g + "\" names no field for rule \"" + ref + "\"");
        }
        return mapping.field(f.asText());
      }
      return mapping.field(g);
    }

    private Rule header(Doc d, Condition filter, List<String> groupBy, Rule.Spec spec) {
      String desc = d.n.path("description").asText("");
      Severity sev = severity(d.n.path("level").asText(null));
      List<String> tags = new ArrayList<>();
      d.n.path("tags").forEach(t -> tags.add(t.asText()));
      String title = d.title != null ? d.title : d.name != null ? d.name : d.ruleId();
      return new Rule(d.ruleId(), title, desc, sev, true, tags, filter, groupBy, Duration.ZERO, Rule.TimeBasis.EVENT,
          spec);
    }
  }

  private static Rule.Bounds bounds(JsonNode cond) {
    Map<String, Double> b = new LinkedHashMap<>();
    for (var it = cond.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().equals("field")) {
        continue;
      }
      if (!Set.of("gt", "gte", "lt", "lte", "eq", "neq").contains(e.getKey())) {
        throw new Unsupported("condition operator \"" + e.getKey() + "\"");
      }
      if (!e.getValue().isNumber()) {
        throw new Unsupported("condition " + e.getKey() + " needs a number");
      }
      b.put(e.getKey(), e.getValue().asDouble());
    }
    if (b.isEmpty()) {
      throw new Unsupported("an empty correlation condition");
    }
    return new Rule.Bounds(b.get("gt"), b.get("gte"), b.get("lt"), b.get("lte"), b.get("eq"), b.get("neq"));
  }

  static Duration timespan(String s) {
    Matcher m = TIMESPAN.matcher(s.trim());
    if (!m.matches()) {
      throw new Unsupported("timespan \"" + s + "\" (write a number and s, m, h, d or w)");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
    if (d.isZero()) {
      throw new Unsupported("a zero timespan");
    }
    return d;
  }

  /** The severity of a Sigma level; medium when it is missing or not a level word (parse returns null then). */
  private static Severity severity(String level) {
    Severity s = Severity.parse(level);
    return s == null ? Severity.MEDIUM : s;
  }

  private static String lower(JsonNode n, String k) {
    return n.hasNonNull(k) ? n.get(k).asText().toLowerCase(Locale.ROOT) : null;
  }

  private static String idOf(String sigmaId, String name, String display) {
    if (sigmaId != null && sigmaId.matches("[A-Za-z0-9._-]{1,128}")) {
      return sigmaId;
    }
    return "sigma-" + io.phosor.detect.RuleParser.slug(name != null ? name : display);
  }

}
