package io.phosor.detect;

import io.phosor.store.RuleChange;
import io.phosor.sigma.SigmaMapping;
import io.phosor.sigma.SigmaRules;
import io.phosor.store.Rules;
import io.phosor.store.Settings;
import io.phosor.store.StoreConflictException;
import io.phosor.store.StoreNotFoundException;
import io.phosor.store.StoredRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules in force, in three layers, a later one replacing a rule of an earlier one with the same id: the
 * built-in pack, the rule files of the rules directory (read at start-up), and the rules managed through
 * {@code /api/rules} (stored, with their history). Enabling or disabling a built-in or file rule is kept in
 * the store's settings ({@code rule.enabled.<id>}), so it survives restarts without editing the file.
 * Every change is validated (parsed and compiled) before it is stored, then the new set is handed to the
 * running engine, which keeps the window state of the rules that did not change.
 */
public final class RuleCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(RuleCatalog.class);
  /** Format of a stored rule imported from Sigma: its text is the Sigma YAML document. */
  public static final String SIGMA = "sigma";
  private static final String NEW = "(new rule)";
  /** Settings key prefix of the enabled flag of a built-in or file rule. */
  static final String ENABLED_KEY = "rule.enabled.";
  /** How long an API change waits to see its rules in force (the engine swaps between events). */
  static final long APPLY_WAIT_SECONDS = 5;

  /** Where a rule comes from. */
  public enum Layer {
    /** Shipped with Phosor. */
    BUILTIN,
    /** A file in the rules directory. */
    FILE,
    /** Created or changed through the API. */
    API
  }

  /**
   * One rule of the catalog.
   *
   * @param rule the rule as the engine runs it (enabled flag applied)
   * @param layer where it comes from
   * @param origin the file, {@code builtin:<file>} or {@code api}
   * @param source its text when known per rule (API rules, and files holding only this rule), else null
   * @param stored the stored record for API rules, else null
   * @param overrides the layer it replaces (an API rule with the id of a built-in one), or null
   */
  public record Entry(Rule rule, Layer layer, String origin, String source, StoredRule stored, Layer overrides) {}

  private record Base(Rule rule, Layer layer, String origin, String source) {}

  private final Map<String, Base> base = new LinkedHashMap<>();
  private final SigmaMapping sigma;
  /** The falsepositives of the stored Sigma rules by rule id, as of the last conversion. */
  private volatile Map<String, List<String>> falsePositives = Map.of();
  private final Rules rules;
  private final Settings settings;
  private final Consumer<List<Rule>> apply;

  /**
   * A catalog over the built-in and file rules ({@code builtin}, {@code files}, already validated) and the
   * store; {@code apply} hands a new rule set to the engine and waits until it is in force.
   */
  public RuleCatalog(List<RuleFiles.Loaded> builtin, List<RuleFiles.Loaded> files, Map<String, String> sources,
      Rules rules, Settings settings, Consumer<List<Rule>> apply) {
    this(builtin, files, sources, rules, settings, apply, SigmaMapping.defaults());
  }

  /** As above, with the Sigma mapping that imported Sigma rules are converted with. */
  public RuleCatalog(List<RuleFiles.Loaded> builtin, List<RuleFiles.Loaded> files, Map<String, String> sources,
      Rules rules, Settings settings, Consumer<List<Rule>> apply, SigmaMapping sigma) {
    this.sigma = sigma;
    for (RuleFiles.Loaded l : builtin) {
      base.put(l.rule().id(), new Base(l.rule(), Layer.BUILTIN, l.origin(), sources.get(l.origin())));
    }
    for (RuleFiles.Loaded l : files) {
      base.put(l.rule().id(), new Base(l.rule(), Layer.FILE, l.origin(), sources.get(l.origin())));
    }
    this.rules = rules;
    this.settings = settings;
    this.apply = apply;
  }

  /**
   * Every rule in force, in order: built-in and file rules first (as loaded), then rules that exist only in
   * the store. A stored rule that no longer parses (a newer version of Phosor is stricter) is skipped with
   * an error in the log rather than stopping detection.
   */
  public synchronized List<Entry> entries() {
    Map<String, StoredRule> stored = new LinkedHashMap<>();
    for (StoredRule s : rules.list()) {
      stored.put(s.id(), s);
    }
    Map<String, String> flags = settings.all();
    Map<String, Rule> sigmaRules = storedSigma(stored.values());
    List<Entry> out = new ArrayList<>();
    for (Base b : base.values()) {
      StoredRule s = stored.remove(b.rule().id());
      if (s != null) {
        Rule r = parse(s, sigmaRules);
        if (r != null) {
          out.add(new Entry(r.withEnabled(s.enabled()), Layer.API, "api", s.text(), s, b.layer()));
          continue;
        }
      }
      String flag = flags.get(ENABLED_KEY + b.rule().id());
      boolean on = flag == null ? b.rule().enabled() : Boolean.parseBoolean(flag);
      out.add(new Entry(b.rule().withEnabled(on), b.layer(), b.origin(), b.source(), null, null));
    }
    for (StoredRule s : stored.values()) {
      Rule r = parse(s, sigmaRules);
      if (r != null) {
        out.add(new Entry(r.withEnabled(s.enabled()), Layer.API, "api", s.text(), s, null));
      }
    }
    return out;
  }

  /** The stored Sigma rules converted, reused while no stored Sigma rule changes (conversion is the slow part). */
  private record SigmaCache(List<String> versions, Map<String, Rule> rules) {}

  private volatile SigmaCache sigmaCache = new SigmaCache(List.of(), Map.of());

  private Map<String, Rule> storedSigma(java.util.Collection<StoredRule> stored) {
    List<String> versions = new ArrayList<>();
    for (StoredRule s : stored) {
      if (SIGMA.equals(s.format())) {
        versions.add(s.id() + "@" + s.version());
      }
    }
    SigmaCache c = sigmaCache;
    if (c.versions().equals(versions)) {
      return c.rules();
    }
    Map<String, List<String>> fps = new LinkedHashMap<>();
    Map<String, Rule> rules = convertStoredSigma(stored, fps);
    sigmaCache = new SigmaCache(versions, rules);
    falsePositives = Map.copyOf(fps);
    return rules;
  }

  private static Rule parse(StoredRule s, Map<String, Rule> sigmaRules) {
    if (SIGMA.equals(s.format())) {
      Rule r = sigmaRules.get(s.id());
      if (r == null) {
        LOG.error("stored Sigma rule {} no longer converts; skipped", s.id());
      }
      return r;
    }
    return parseStored(s);
  }

  /**
   * Converts the stored Sigma rules together (so correlations find the rules they reference) and returns the
   * supported ones by rule id, collecting their falsepositives into {@code fps}. Unsupported stored rules are
   * logged (they were supported when imported; a changed mapping can make them unsupported).
   */
  private Map<String, Rule> convertStoredSigma(java.util.Collection<StoredRule> stored,
      Map<String, List<String>> fps) {
    List<SigmaRules.Source> sources = new ArrayList<>();
    for (StoredRule s : stored) {
      if (SIGMA.equals(s.format())) {
        sources.add(new SigmaRules.Source("stored rule " + s.id(), s.text()));
      }
    }
    Map<String, Rule> out = new LinkedHashMap<>();
    if (sources.isEmpty()) {
      return out;
    }
    for (SigmaRules.Report r : SigmaRules.convert(sources, sigma)) {
      if (r.supported()) {
        out.putIfAbsent(r.rule().id(), r.rule());
        if (!r.falsepositives().isEmpty()) {
          fps.putIfAbsent(r.rule().id(), List.copyOf(r.falsepositives()));
        }
      } else if (r.file() != null && r.file().startsWith("stored rule ")) {
        LOG.error("{}: unsupported: {}", r.file(), r.reason());
      }
    }
    return out;
  }

  private static Rule parseStored(StoredRule s) {
    try {
      List<Rule> parsed = RuleFiles.parse(s.text(), "stored rule " + s.id());
      if (parsed.size() == 1 && parsed.get(0).id().equals(s.id())) {
        return parsed.get(0);
      }
      LOG.error("stored rule {} does not hold exactly that rule; skipped", s.id());
    } catch (RuleSetException e) {
      LOG.error("stored rule {} no longer parses, skipped: {}", s.id(), e.getMessage());
    }
    return null;
  }

  /** The false positives a stored Sigma rule lists (empty for other rules). */
  public List<String> falsePositives(String ruleId) {
    return falsePositives.getOrDefault(ruleId, List.of());
  }

  /** The rules the engine should run. */
  public List<Rule> rules() {
    return entries().stream().map(Entry::rule).toList();
  }

  /** One rule by id. */
  public Optional<Entry> get(String id) {
    return entries().stream().filter(e -> e.rule().id().equals(id)).findFirst();
  }

  /** Rules enabled now. */
  public long enabledCount() {
    return entries().stream().filter(e -> e.rule().enabled()).count();
  }

  /**
   * Creates a rule from {@code text} ({@code format} json or yaml) holding exactly one rule.
   *
   * @throws RuleSetException when the text is not one valid rule
   * @throws StoreConflictException when a rule with its id exists (update it instead)
   */
  public synchronized Entry create(String text, String format, String who) {
    Rule r = validate(text, format, null);
    if (base.containsKey(r.id())) {
      Base b = base.get(r.id());
      throw new StoreConflictException("rule " + r.id() + " exists (" + b.origin() + "); PUT /api/rules/" + r.id()
          + " replaces it");
    }
    rules.create(r.id(), text, format, r.enabled(), who);
    return applyAndGet(r.id());
  }

  /**
   * Replaces rule {@code id} with {@code text}; for a built-in or file rule this stores an override (deleting
   * it brings the original back).
   *
   * @throws StoreNotFoundException when there is no such rule
   */
  public synchronized Entry update(String id, String text, String format, String who) {
    Rule r = validate(text, format, id);
    if (rules.get(id).isPresent()) {
      rules.update(id, text, format, who);
    } else if (base.containsKey(id)) {
      rules.create(id, text, format, r.enabled(), who);
    } else {
      throw new StoreNotFoundException("no rule " + id);
    }
    return applyAndGet(id);
  }

  /**
   * Enables a disabled rule or disables an enabled one.
   *
   * @throws StoreNotFoundException when there is no such rule
   */
  public synchronized Entry toggle(String id, String who) {
    if (rules.get(id).isPresent()) {
      rules.toggle(id, who);
    } else if (base.containsKey(id)) {
      Entry now = get(id).orElseThrow();
      settings.put(ENABLED_KEY + id, Boolean.toString(!now.rule().enabled()));
      LOG.info("rule {} ({}) {} by {}", id, now.origin(), now.rule().enabled() ? "disabled" : "enabled", who);
    } else {
      throw new StoreNotFoundException("no rule " + id);
    }
    return applyAndGet(id);
  }

  /**
   * Deletes an API rule (an override of a built-in or file rule: that rule comes back).
   *
   * @throws StoreNotFoundException when there is no such rule
   * @throws StoreConflictException for a built-in or file rule (disable it instead)
   */
  public synchronized void delete(String id, String who) {
    if (rules.get(id).isPresent()) {
      rules.delete(id, who);
      apply();
      return;
    }
    Base b = base.get(id);
    if (b == null) {
      throw new StoreNotFoundException("no rule " + id);
    }
    throw new StoreConflictException("rule " + id + " is " + (b.layer() == Layer.BUILTIN ? "a built-in rule"
        : "defined in " + b.origin()) + " and cannot be deleted through the API; disable it with POST /api/rules/"
        + id + "/toggle");
  }

  /** Every stored change of rule {@code id}, oldest first. */
  public List<RuleChange> history(String id) {
    return rules.history(id);
  }

  /** Parses and compiles {@code text}: exactly one rule, with id {@code expectedId} when given. */
  /**
   * One rule from text, as saving it would read it: a Sigma document (converted with this catalog's mapping,
   * its references resolved among the stored Sigma rules) or a Phosor rule in YAML or JSON. For rule tests.
   *
   * @throws RuleSetException when the text is not exactly one valid (supported) rule
   */
  public Rule parseOne(String text) {
    if (SigmaRules.looksLikeSigma(text)) {
      return validate(text, SIGMA, null);
    }
    return validate(text, text.stripLeading().startsWith("{") ? "json" : "yaml", null);
  }

  Rule validate(String text, String format, String expectedId) {
    if (SIGMA.equals(format)) {
      return validateSigma(text, expectedId);
    }
    return validateNative(text, format, expectedId);
  }

  private Rule validateSigma(String text, String expectedId) {
    List<SigmaRules.Report> reports;
    try {
      List<SigmaRules.Source> all = new ArrayList<>();
      // the stored version of the rule being written (same id) is replaced by it, not converted beside it
      java.util.Set<String> replaced = new java.util.HashSet<>(SigmaRules.ruleIds(new SigmaRules.Source(NEW, text)));
      for (StoredRule s : rules.list()) {
        if (SIGMA.equals(s.format()) && !s.id().equals(expectedId) && !replaced.contains(s.id())) {
          all.add(new SigmaRules.Source("stored rule " + s.id(), s.text()));
        }
      }
      all.add(new SigmaRules.Source(NEW, text));
      reports = SigmaRules.convert(all, sigma).stream().filter(r -> NEW.equals(r.file())).toList();
    } catch (IllegalArgumentException e) {
      throw new RuleSetException("rule: " + e.getMessage());
    }
    if (reports.size() != 1) {
      throw new RuleSetException("rule: send exactly one Sigma document per request (got " + reports.size()
          + "); POST /api/rules/import takes several");
    }
    SigmaRules.Report r = reports.get(0);
    if (!r.supported()) {
      throw new RuleSetException("rule \"" + r.title() + "\": unsupported Sigma rule: " + r.reason());
    }
    if (expectedId != null && !expectedId.equals(r.rule().id())) {
      throw new RuleSetException("rule: its id \"" + r.rule().id() + "\" differs from the id in the path \""
          + expectedId + "\"");
    }
    return r.rule();
  }

  /**
   * What {@link #importSigma} did with one document.
   *
   * @param report the conversion report
   * @param action created, updated, unchanged, or skipped (unsupported, or a dry run)
   */
  public record Imported(SigmaRules.Report report, String action) {}

  /**
   * Imports Sigma documents: converts them together with the stored Sigma rules (references resolve across
   * both), stores each supported document as one rule with format {@code sigma} (its original text), and
   * applies the new rule set once. With {@code dryRun} nothing changes. Unsupported documents are reported,
   * never stored. A document whose id is a built-in or file rule's is skipped.
   *
   * @throws RuleSetException when a source is not YAML
   */
  public synchronized List<Imported> importSigma(List<SigmaRules.Source> sources, boolean dryRun, String who) {
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, Object[]> origins = new java.util.HashMap<>();
    List<SigmaRules.Report> reports;
    try {
      List<SigmaRules.Source> all = new ArrayList<>();
      for (StoredRule s : rules.list()) {
        if (SIGMA.equals(s.format())) {
          all.add(new SigmaRules.Source("stored rule " + s.id(), s.text()));
        }
      }
      List<String> docTexts = new ArrayList<>();
      for (SigmaRules.Source src : sources) {
        List<String> parts = SigmaRules.documentTexts(src);
        for (int i = 0; i < parts.size(); i++) {
          String name = (src.file() == null ? "request" : src.file()) + "#" + (i + 1);
          texts.put(name, parts.get(i));
          origins.put(name, new Object[] {src.file(), i + 1});
          docTexts.add(name);
        }
      }
      // each new document becomes its own source so that a new version replaces the stored one
      Map<String, String> storedIds = new java.util.HashMap<>();
      List<SigmaRules.Source> fresh = new ArrayList<>();
      for (String name : docTexts) {
        fresh.add(new SigmaRules.Source(name, texts.get(name)));
      }
      for (SigmaRules.Source f : fresh) {
        for (String id : SigmaRules.ruleIds(f)) {
          storedIds.put(id, f.file()); // the ids these documents take: their stored versions are replaced
        }
      }
      all.removeIf(src -> storedIds.containsKey(src.file().substring("stored rule ".length())));
      all.addAll(fresh);
      reports = SigmaRules.convert(all, sigma).stream().filter(r -> texts.containsKey(r.file())).toList();
    } catch (IllegalArgumentException e) {
      throw new RuleSetException(e.getMessage());
    }
    List<Imported> out = new ArrayList<>();
    List<Rules.Put> puts = new ArrayList<>();
    for (SigmaRules.Report r : reports) {
      String action;
      if (!r.supported()) {
        action = "skipped";
      } else if (base.containsKey(r.rule().id())) {
        r = new SigmaRules.Report(r.file(), r.document(), r.title(), r.sigmaId(), r.name(), r.kind(), null,
            "its id " + r.rule().id() + " is a built-in or file rule's", r.level(), r.falsepositives());
        action = "skipped";
      } else {
        String text = texts.get(r.file());
        java.util.Optional<StoredRule> old = rules.get(r.rule().id());
        if (old.isPresent() && old.get().text().equals(text) && SIGMA.equals(old.get().format())) {
          action = "unchanged";
        } else {
          action = old.isPresent() ? "updated" : "created";
          puts.add(new Rules.Put(r.rule().id(), text, SIGMA, r.rule().enabled()));
        }
      }
      Object[] o = origins.get(r.file());
      r = new SigmaRules.Report((String) o[0], (Integer) o[1], r.title(), r.sigmaId(), r.name(), r.kind(), r.rule(),
          r.reason(), r.level(), r.falsepositives());
      out.add(new Imported(r, action));
    }
    if (!dryRun && !puts.isEmpty()) {
      rules.putAll(puts, who); // one transaction: the whole import or nothing
      LOG.info("{} imported {} Sigma rule(s)", who, puts.size());
      apply();
    }
    return out;
  }

  static Rule validateNative(String text, String format, String expectedId) {
    if (!"json".equals(format) && !"yaml".equals(format)) {
      throw new RuleSetException("format must be json, yaml or sigma, was " + format);
    }
    List<Rule> parsed = RuleFiles.parse(text, "rule");
    if (parsed.size() != 1) {
      throw new RuleSetException("rule: send exactly one rule per request (got " + parsed.size() + ")");
    }
    Rule r = parsed.get(0);
    if (expectedId != null && !expectedId.equals(r.id())) {
      throw new RuleSetException("rule: its id \"" + r.id() + "\" differs from the id in the path \"" + expectedId
          + "\" (give \"id\": \"" + expectedId + "\")");
    }
    RuleFiles.compileOne(new RuleFiles.Loaded(r, "rule " + r.id()));
    return r;
  }

  private Entry applyAndGet(String id) {
    apply();
    return get(id).orElseThrow(() -> new StoreNotFoundException("no rule " + id));
  }

  /** Hands the current rule set to the engine. */
  public void apply() {
    apply.accept(rules());
  }

  /** An {@code apply} for the detection stage: swaps the rules and waits (bounded) until they are in force. */
  public static Consumer<List<Rule>> into(DetectionStage stage) {
    return set -> {
      try {
        stage.replaceRules(set).get(APPLY_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        LOG.warn("the new rule set is stored and queued; the engine is busy and will apply it shortly");
      } catch (ExecutionException e) {
        throw new RuleSetException("the engine refused the rule set: " + e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
