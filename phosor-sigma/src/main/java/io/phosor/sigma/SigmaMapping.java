package io.phosor.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.phosor.detect.Condition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How Sigma names meet Phosor's events: field names (Sigma's, e.g. {@code TargetUserName}, onto normalized
 * ECS fields) and logsources (product/category/service onto a condition on events). The defaults live in
 * {@code io/phosor/sigma/mapping.yml}; a user file is read on top of them. Immutable.
 */
public final class SigmaMapping {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final int MAX_FILE_BYTES = 1 << 20;
  private final Map<String, String> fields;
  private final List<Source> sources;
  private final String keywordField;

  /** One logsource entry: product/category/service (null = absent) and the events it means (null = all). */
  record Source(String product, String category, String service, Condition events) {}

  private SigmaMapping(Map<String, String> fields, List<Source> sources, String keywordField) {
    this.fields = Map.copyOf(fields);
    this.sources = List.copyOf(sources);
    this.keywordField = keywordField;
  }

  /** The built-in mapping. */
  public static SigmaMapping defaults() {
    try (InputStream in = SigmaMapping.class.getResourceAsStream("mapping.yml")) {
      return read(YAML.readTree(Objects.requireNonNull(in, "mapping.yml")), null, "built-in mapping");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the built-in Sigma mapping", e);
    }
  }

  /**
   * The built-in mapping with {@code file} on top.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static SigmaMapping load(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException("Sigma mapping " + file + " is larger than 1 MiB");
      }
      return read(YAML.readTree(file.toFile()), defaults(), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read Sigma mapping " + file + ": " + e.getMessage(), e);
    }
  }

  private static SigmaMapping read(JsonNode n, SigmaMapping base, String origin) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(origin + ": expected a mapping with fields and logsources");
    }
    Map<String, String> fields = new LinkedHashMap<>(base == null ? Map.of() : base.fields);
    JsonNode f = n.path("fields");
    if (!f.isMissingNode() && !f.isObject()) {
      throw new IllegalArgumentException(origin + ": fields must be a map of Sigma name -> Phosor field");
    }
    f.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
    List<Source> sources = new ArrayList<>();
    JsonNode l = n.path("logsources");
    if (!l.isMissingNode() && !l.isArray()) {
      throw new IllegalArgumentException(origin + ": logsources must be a list");
    }
    for (JsonNode s : l) {
      JsonNode ev = s.path("events");
      Condition c = ev.isTextual() && "all".equals(ev.asText()) ? null : condition(ev, origin);
      sources.add(new Source(text(s, "product"), text(s, "category"), text(s, "service"), c));
    }
    if (base != null) {
      sources.addAll(base.sources);
    }
    String kw = n.hasNonNull("keyword_field") ? n.get("keyword_field").asText()
        : base == null ? "message" : base.keywordField;
    return new SigmaMapping(fields, sources, kw);
  }

  private static String text(JsonNode s, String k) {
    return s.hasNonNull(k) ? s.get(k).asText().toLowerCase(Locale.ROOT) : null;
  }

  private static Condition condition(JsonNode n, String origin) {
    if (n.has("all") || n.has("any")) {
      List<Condition> cs = new ArrayList<>();
      for (JsonNode x : n.has("all") ? n.get("all") : n.get("any")) {
        cs.add(condition(x, origin));
      }
      return n.has("all") ? new Condition.All(cs) : new Condition.Any(cs);
    }
    if (n.has("not")) {
      return new Condition.Not(condition(n.get("not"), origin));
    }
    String field = n.path("field").asText(null);
    if (field == null) {
      throw new IllegalArgumentException(origin + ": a logsource condition needs field, all, any or not: " + n);
    }
    for (String op : List.of("equals", "in", "contains", "starts_with", "ends_with", "exists")) {
      if (n.has(op)) {
        JsonNode v = n.get(op);
        List<String> vs = new ArrayList<>();
        if (v.isArray()) {
          v.forEach(x -> vs.add(x.asText()));
        } else {
          vs.add(v.asText());
        }
        return new Condition.Field(field, Condition.Op.valueOf(op.toUpperCase(Locale.ROOT)), vs, false);
      }
    }
    throw new IllegalArgumentException(origin + ": no operator for field " + field + ": " + n);
  }

  /** The Phosor field for a Sigma field name (the name itself when not mapped). */
  String field(String sigma) {
    return fields.getOrDefault(sigma, sigma);
  }

  /** Where keyword searches look. */
  String keywordField() {
    return keywordField;
  }

  /**
   * The events a logsource means: null for all events.
   *
   * @throws Unsupported when no entry names exactly this logsource
   */
  Condition logsource(String product, String category, String service) {
    if (product == null && category == null && service == null) {
      return null;
    }
    for (Source s : sources) {
      if (Objects.equals(s.product(), product) && Objects.equals(s.category(), category)
          && Objects.equals(s.service(), service)) {
        return s.events();
      }
    }
    StringBuilder b = new StringBuilder("logsource");
    if (product != null) {
      b.append(" product=").append(product);
    }
    if (category != null) {
      b.append(" category=").append(category);
    }
    if (service != null) {
      b.append(" service=").append(service);
    }
    throw new Unsupported(b + " is not mapped onto Phosor's events (add it to the Sigma mapping, see docs/sigma.md)");
  }
}
