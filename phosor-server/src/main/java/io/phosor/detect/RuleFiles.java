package io.phosor.detect;

import io.phosor.sigma.SigmaMapping;
import io.phosor.sigma.SigmaRules;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds and reads rule files: a file or a directory of {@code *.yml|*.yaml|*.json} (recursively, rule
 * test files {@code *.test.yml} excluded), and the built-in pack on the classpath
 * ({@code io/phosor/detect/builtin/*.yml}). Every rule goes through {@link RuleParser}; the first bad
 * rule or a duplicate id is reported as a {@link RuleSetException} naming the file.
 */
public final class RuleFiles {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuleFiles.class);
  /** Where the built-in pack lives on the classpath (in the phosor-engine module). */
  public static final String BUILTIN_DIR = "io/phosor/detect/builtin/";
  /** Rule files larger than this are refused: a rule file is hand-written text, not data. */
  static final long MAX_RULE_FILE_BYTES = 16L << 20;

  private RuleFiles() {}

  /** One rule and where it came from. */
  public record Loaded(Rule rule, String origin) {}

  /** True for names the loader reads as rule files (not rule tests). */
  public static boolean isRuleFile(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".test.yml") || n.endsWith(".test.yaml") || n.endsWith(".test.json")) {
      return false;
    }
    return n.endsWith(".yml") || n.endsWith(".yaml") || n.endsWith(".json");
  }

  /** True for rule test file names ({@code *.test.yml}, {@code *.test.yaml}, {@code *.test.json}). */
  public static boolean isTestFile(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".test.yml") || n.endsWith(".test.yaml") || n.endsWith(".test.json");
  }

  /** The rule files at {@code path} (the file itself, or those under a directory, sorted). */
  public static List<Path> ruleFiles(Path path) {
    return files(path, true);
  }

  /** The rule test files at {@code path} (the file itself, or those under a directory, sorted). */
  public static List<Path> testFiles(Path path) {
    return files(path, false);
  }

  private static List<Path> files(Path path, boolean rules) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new RuleSetException(path + ": no such file or directory");
    }
    try (Stream<Path> s = Files.walk(path)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> rules ? isRuleFile(p.getFileName().toString()) : isTestFile(p.getFileName().toString()))
          .sorted().toList();
    } catch (IOException e) {
      throw new RuleSetException(path + ": cannot list: " + e.getMessage());
    }
  }

  /**
   * Reads and parses one rule file: Phosor rules, or Sigma rules (recognised by a top-level {@code title} and
   * {@code detection} or {@code correlation}), converted with the default mapping. An unsupported Sigma rule
   * is an error here, naming the rule and the reason.
   */
  public static List<Rule> read(Path file) {
    String text = readText(file);
    if (SigmaRules.looksLikeSigma(text)) {
      List<Rule> out = new ArrayList<>();
      List<String> bad = new ArrayList<>();
      for (SigmaRules.Report r : sigma(List.of(new SigmaRules.Source(file.toString(), text)), SigmaMapping.defaults())) {
        if (r.supported()) {
          out.add(r.rule());
        } else {
          bad.add(r.line());
        }
      }
      if (!bad.isEmpty()) {
        throw new RuleSetException(String.join("; ", bad));
      }
      return out;
    }
    return parse(text, file.toString());
  }

  private static List<SigmaRules.Report> sigma(List<SigmaRules.Source> sources, SigmaMapping mapping) {
    try {
      return SigmaRules.convert(sources, mapping);
    } catch (IllegalArgumentException e) {
      throw new RuleSetException(e.getMessage());
    }
  }

  private static String readText(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_RULE_FILE_BYTES) {
        throw new RuleSetException(file + ": larger than " + MAX_RULE_FILE_BYTES + " bytes; not a rule file");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RuleSetException(file + ": cannot read: " + e.getMessage());
    }
    return text;
  }

  /** Parses rule text; errors become a {@link RuleSetException} that names {@code origin}. */
  public static List<Rule> parse(String text, String origin) {
    try {
      return RuleParser.parse(text, origin);
    } catch (RuleException | IllegalArgumentException e) {
      throw new RuleSetException(withOrigin(origin, e.getMessage()));
    }
  }

  static String withOrigin(String origin, String message) {
    String m = message == null ? "invalid rule" : message;
    return m.startsWith(origin) ? m : origin + ": " + m;
  }

  /** Loads every rule under {@code path} (file or directory), in file order, Sigma files with the default mapping. */
  public static List<Loaded> load(Path path) {
    return load(path, SigmaMapping.defaults());
  }

  /**
   * Loads every rule under {@code path}: Phosor rule files in file order, then the Sigma files, converted
   * together (a correlation may reference a rule of another file). An unsupported Sigma rule is skipped with
   * a warning naming it and the reason (a Sigma pack is third-party text; one exotic rule must not stop the
   * others); a bad Phosor rule is an error.
   */
  public static List<Loaded> load(Path path, SigmaMapping mapping) {
    List<Loaded> out = new ArrayList<>();
    List<SigmaRules.Source> sigma = new ArrayList<>();
    for (Path f : ruleFiles(path)) {
      String text = readText(f);
      if (SigmaRules.looksLikeSigma(text)) {
        sigma.add(new SigmaRules.Source(f.toString(), text));
        continue;
      }
      for (Rule r : parse(text, f.toString())) {
        out.add(new Loaded(r, f.toString()));
      }
    }
    for (SigmaRules.Report r : sigma(sigma, mapping)) {
      if (r.supported()) {
        out.add(new Loaded(r.rule(), r.file()));
      } else {
        LOG.warn("{}", r.line());
      }
    }
    return out;
  }

  /** The built-in pack from the classpath, in file-name order (empty when the pack is not on the classpath). */
  public static List<Loaded> builtin() {
    Map<String, String> texts = builtinTexts();
    List<Loaded> out = new ArrayList<>();
    texts.forEach((name, text) -> {
      for (Rule r : parse(text, "builtin:" + name)) {
        out.add(new Loaded(r, "builtin:" + name));
      }
    });
    return out;
  }

  /** The built-in rule test files from the classpath: name -> text, sorted by name. */
  public static Map<String, String> builtinTests() {
    return resources(BUILTIN_DIR + "tests/", false);
  }

  /**
   * The built-in rule files: those listed in {@code builtin/index.txt} in its order (one name per line, '#'
   * comments), or every rule file of the directory when there is no index.
   */
  static Map<String, String> builtinTexts() {
    ClassLoader cl = RuleParser.class.getClassLoader();
    try (InputStream index = cl.getResourceAsStream(BUILTIN_DIR + "index.txt")) {
      if (index == null) {
        return resources(BUILTIN_DIR, true);
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n")) {
        String name = line.strip();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try (InputStream in = cl.getResourceAsStream(BUILTIN_DIR + name)) {
          if (in == null) {
            throw new RuleSetException("built-in rules: index.txt lists " + name + ", which is not on the classpath");
          }
          out.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      return out;
    } catch (IOException e) {
      throw new RuleSetException("built-in rules: cannot read the index: " + e.getMessage());
    }
  }

  /**
   * Lists the resources directly under {@code dir} in the jar or class directory that holds the engine
   * (a class path has no directory listing of its own).
   */
  private static Map<String, String> resources(String dir, boolean rules) {
    Map<String, String> out = new java.util.TreeMap<>();
    Path where;
    try {
      where = Path.of(RuleParser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return out;
    }
    try {
      if (Files.isDirectory(where)) {
        Path d = where.resolve(dir);
        if (Files.isDirectory(d)) {
          try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
              String n = p.getFileName().toString();
              if (rules ? isRuleFile(n) : isTestFile(n)) {
                out.put(n, Files.readString(p, StandardCharsets.UTF_8));
              }
            }
          }
        }
      } else if (Files.isRegularFile(where)) {
        try (JarFile jar = new JarFile(where.toFile())) {
          Enumeration<JarEntry> en = jar.entries();
          while (en.hasMoreElements()) {
            JarEntry e = en.nextElement();
            String n = e.getName();
            if (e.isDirectory() || !n.startsWith(dir) || n.indexOf('/', dir.length()) >= 0) {
              continue;
            }
            String base = n.substring(dir.length());
            if (rules ? isRuleFile(base) : isTestFile(base)) {
              try (InputStream in = jar.getInputStream(e)) {
                out.put(base, new String(in.readAllBytes(), StandardCharsets.UTF_8));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new RuleSetException("built-in rules: cannot read " + where + ": " + e.getMessage());
    }
    return out;
  }

  /**
   * Combines rule sets: ids must be unique within a set; a rule of a later set replaces a rule of an earlier
   * set with the same id (so a rules directory can override a built-in rule).
   */
  public static List<Loaded> combine(List<Loaded> base, List<Loaded> overrides) {
    Map<String, Loaded> byId = new LinkedHashMap<>();
    for (List<Loaded> set : List.of(base, overrides)) {
      Map<String, Loaded> seen = new LinkedHashMap<>();
      for (Loaded l : set) {
        Loaded prev = seen.putIfAbsent(l.rule().id(), l);
        if (prev != null) {
          throw new RuleSetException(l.origin() + ": rule \"" + l.rule().id() + "\": duplicate id (also in "
              + prev.origin() + ")");
        }
      }
      byId.putAll(seen);
    }
    return List.copyOf(byId.values());
  }

  /**
   * The source text of each origin that holds exactly one rule (built-in files from the classpath, rule files
   * from disk): what an editor shows for that rule. Origins with several rules are left out.
   */
  public static Map<String, String> singleRuleSources(List<Loaded> loaded) {
    Map<String, Integer> count = new LinkedHashMap<>();
    loaded.forEach(l -> count.merge(l.origin(), 1, Integer::sum));
    Map<String, String> builtinTexts = builtinTexts();
    Map<String, String> out = new LinkedHashMap<>();
    count.forEach((origin, n) -> {
      if (n != 1) {
        return;
      }
      if (origin.startsWith("builtin:")) {
        String t = builtinTexts.get(origin.substring("builtin:".length()));
        if (t != null) {
          out.put(origin, t);
        }
      } else {
        try {
          out.put(origin, Files.readString(Path.of(origin)));
        } catch (IOException | RuntimeException e) {
          // no source to show; the rule itself is loaded
        }
      }
    });
    return out;
  }

  /** Just the rules. */
  public static List<Rule> rules(List<Loaded> loaded) {
    return loaded.stream().map(Loaded::rule).toList();
  }

  /** Compiles {@code rules} in a scratch engine, turning a compile error into a message naming the rule's file. */
  public static void compile(List<Loaded> loaded) {
    for (Loaded l : loaded) {
      compileOne(l);
    }
  }

  /** Compiles one rule in a scratch engine; returns normally when it is fine. */
  public static void compileOne(Loaded l) {
    try {
      new Engine(EngineConfig.DEFAULTS, java.time.Clock.systemUTC()).setRules(List.of(enabled(l.rule())));
    } catch (RuleException | IllegalArgumentException e) {
      throw new RuleSetException(withOrigin(l.origin(), e.getMessage()));
    }
  }

  /** The same rule with {@code enabled = true} (tests and validation run disabled rules too). */
  public static Rule enabled(Rule r) {
    return r.withEnabled(true);
  }
}
