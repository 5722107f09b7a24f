package io.phosor.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Loads the built-in rule pack from the classpath ({@code io/phosor/detect/builtin/index.txt} lists its files). */
final class BuiltinPackFiles {
  static final String DIR = "/io/phosor/detect/builtin/";

  private BuiltinPackFiles() {}

  /** File name -> YAML text, in the index's order. */
  static Map<String, String> texts() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : resource(DIR + "index.txt").split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        out.put(l, resource(DIR + l));
      }
    }
    return out;
  }

  /** The pack through the engine's {@link RuleParser}. */
  static List<Rule> rules() {
    return read(RuleParser::parse);
  }

  /** The pack through {@link ReferenceRuleReader}. */
  static List<Rule> referenceRules() {
    return read((text, origin) -> ReferenceRuleReader.read(text));
  }

  private static List<Rule> read(BiFunction<String, String, List<Rule>> parser) {
    List<Rule> out = new ArrayList<>();
    texts().forEach((name, text) -> out.addAll(parser.apply(text, "builtin/" + name)));
    return out;
  }

  /** A copy of {@code r} that runs (rule tests run the rule under test even when it is off by default). */
  static Rule enabled(Rule r) {
    return new Rule(r.id(), r.name(), r.description(), r.severity(), true, r.tags(), r.filter(), r.groupBy(), r.suppress(),
        r.time(), r.spec());
  }

  static String resource(String path) {
    try (InputStream in = BuiltinPackFiles.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
