package io.phosor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.detect.Alert;
import io.phosor.detect.AlertJson;
import io.phosor.detect.Rule;
import io.phosor.detect.RuleFiles;
import io.phosor.detect.RuleSetException;
import io.phosor.detect.RuleTestRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code phosor rules validate|test|import}: check rule files, run rule tests (docs/rule-tests.md), import Sigma
 * rules into the configured database (docs/sigma.md).
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
    description = "Check rule files, run rule tests, import Sigma rules.",
    subcommands = {RulesCommand.Validate.class, RulesCommand.Test.class, RulesCommand.Import.class})
final class RulesCommand {
  private RulesCommand() {}

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import Sigma rules (files or directories of .yml) into the configured database; one line per "
          + "rule: the file, the title, and supported or unsupported: <reason>. --dry-run changes nothing.")
  static final class Import implements Callable<Integer> {
    @Parameters(paramLabel = "FILE_OR_DIR", arity = "1..*", description = "Sigma rule files or directories.")
    List<Path> paths;

    @Option(names = "--dry-run", description = "Only report what would be imported; change nothing.")
    boolean dryRun;

    @Option(names = "--mapping", paramLabel = "FILE",
        description = "Sigma mapping file read on top of the built-in one (default: <data dir>/sigma-mapping.yml when present).")
    Path mapping;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./phosor.yml when present).")
    Path config;

    @Override
    public Integer call() {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      List<io.phosor.sigma.SigmaRules.Source> sources = new ArrayList<>();
      try {
        for (Path p : paths) {
          for (Path f : RuleFiles.ruleFiles(p)) {
            if (Files.size(f) > io.phosor.sigma.SigmaRules.MAX_TEXT_CHARS) {
              out.println(f + ": larger than 16 MiB; skipped");
              continue;
            }
            String text = Files.readString(f, StandardCharsets.UTF_8);
            if (!io.phosor.sigma.SigmaRules.looksLikeSigma(text)) {
              out.println(f + ": not a Sigma rule file (no title and detection or correlation); skipped");
              continue;
            }
            sources.add(new io.phosor.sigma.SigmaRules.Source(f.toString(), text));
          }
        }
      } catch (RuleSetException | IOException e) {
        System.err.println("phosor: " + e.getMessage());
        return 2;
      }
      io.phosor.config.PhosorConfig cfg = null;
      if (!dryRun || mapping == null) {
        try {
          if (config != null && !Files.isRegularFile(config)) {
            throw new io.phosor.config.ConfigException("invalid configuration: --config: file '" + config
                + "' does not exist");
          }
          cfg = io.phosor.config.ConfigLoader.load(config, System.getenv());
        } catch (io.phosor.config.ConfigException e) {
          System.err.println("phosor: " + e.getMessage());
          return 2;
        }
      }
      io.phosor.sigma.SigmaMapping map;
      try {
        Path m = mapping != null ? mapping : cfg.dataDir().resolve("sigma-mapping.yml");
        map = mapping != null || Files.isRegularFile(m) ? io.phosor.sigma.SigmaMapping.load(m)
            : io.phosor.sigma.SigmaMapping.defaults();
      } catch (IllegalArgumentException e) {
        System.err.println("phosor: " + e.getMessage());
        return 2;
      }
      if (dryRun) {
        List<io.phosor.sigma.SigmaRules.Report> reports;
        try {
          reports = io.phosor.sigma.SigmaRules.convert(sources, map);
        } catch (IllegalArgumentException e) {
          System.err.println("phosor: " + e.getMessage());
          return 2;
        }
        reports.forEach(r -> out.println(r.line()));
        long ok = reports.stream().filter(io.phosor.sigma.SigmaRules.Report::supported).count();
        out.println(ok + " supported, " + (reports.size() - ok) + " unsupported (dry run: nothing imported)");
        return 0;
      }
      UserCommand.quietStoreLogs();
      if (org.slf4j.LoggerFactory.getLogger(io.phosor.detect.RuleCatalog.class)
          instanceof ch.qos.logback.classic.Logger l) {
        l.setLevel(ch.qos.logback.classic.Level.WARN); // the summary below says what was imported
      }
      String url = cfg.databaseUrl().isEmpty() ? null : cfg.databaseUrl();
      try (io.phosor.store.Store store = io.phosor.store.Store.open(io.phosor.store.StoreSettings.of(url, cfg.dataDir())
          .withPoolSize(2), java.time.Clock.systemUTC())) {
        io.phosor.detect.RuleCatalog catalog = new io.phosor.detect.RuleCatalog(RuleFiles.builtin(), List.of(), Map.of(),
            store.rules(), store.settings(), rules -> { }, map);
        List<io.phosor.detect.RuleCatalog.Imported> result = catalog.importSigma(sources, false, "console");
        long stored = 0;
        for (io.phosor.detect.RuleCatalog.Imported i : result) {
          String action = i.action().equals("skipped") ? "" : " (" + i.action() + (i.report().rule() != null
              && !i.report().rule().enabled() ? ", disabled: used by a correlation" : "") + ")";
          out.println(i.report().line() + action);
          if (i.action().equals("created") || i.action().equals("updated")) {
            stored++;
          }
        }
        out.println(stored + " rule(s) imported into " + (url == null ? cfg.dataDir().resolve("phosor.db") : "the database")
            + "; a running server applies them at its next start (or import through POST /api/rules/import)");
        return 0;
      } catch (RuleSetException | io.phosor.store.StoreException | IllegalArgumentException e) {
        System.err.println("phosor: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Parse and compile every rule; one line per rule, 'ok' or the problem. Exit 2 when any is bad.")
  static final class Validate implements Callable<Integer> {
    @Parameters(paramLabel = "FILE_OR_DIR", arity = "1..*", description = "Rule files or directories.")
    List<Path> paths;

    @Override
    public Integer call() {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      int bad = 0;
      int good = 0;
      Map<String, String> ids = new LinkedHashMap<>();
      for (Path p : paths) {
        List<Path> files;
        try {
          files = RuleFiles.ruleFiles(p);
        } catch (RuleSetException e) {
          out.println("FAIL " + e.getMessage());
          bad++;
          continue;
        }
        for (Path f : files) {
          List<Rule> rules;
          try {
            rules = RuleFiles.read(f);
          } catch (RuleSetException e) {
            out.println("FAIL " + e.getMessage());
            bad++;
            continue;
          }
          for (Rule r : rules) {
            String prev = ids.putIfAbsent(r.id(), f.toString());
            try {
              if (prev != null) {
                throw new RuleSetException(f + ": rule \"" + r.id() + "\": duplicate id (also in " + prev + ")");
              }
              RuleFiles.compileOne(new RuleFiles.Loaded(r, f.toString()));
              out.println("ok   " + f + ": " + r.id() + " (" + r.type() + ", " + r.severity().label()
                  + (r.enabled() ? "" : ", disabled") + ")");
              good++;
            } catch (RuleSetException e) {
              out.println("FAIL " + e.getMessage());
              bad++;
            }
          }
        }
      }
      out.println(good + " rule(s) ok, " + bad + " bad");
      return bad > 0 ? 2 : 0;
    }
  }

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "Run rule test files (*.test.yml): PASS/FAIL per test with the differences. Exit 1 when a test fails.")
  static final class Test implements Callable<Integer> {
    @Parameters(paramLabel = "FILE_OR_DIR", arity = "1..*",
        description = "Test files or directories; rule files found there are the rules under test.")
    List<Path> paths;

    @Option(names = "--rules", paramLabel = "FILE_OR_DIR", description = "More rule files or directories (repeatable).")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--no-builtin", description = "Do not make the built-in pack available to tests.")
    boolean noBuiltin;

    @Option(names = "--no-redact", description = "Do not redact events before matching (the server does).")
    boolean noRedact;

    @Option(names = {"-v", "--verbose"}, description = "Print the alerts of passing tests too.")
    boolean verbose;

    @Override
    public Integer call() {
      PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      ObjectMapper json = new ObjectMapper();
      List<Path> testFiles = new ArrayList<>();
      List<RuleFiles.Loaded> mine = new ArrayList<>();
      try {
        for (Path p : paths) {
          testFiles.addAll(RuleFiles.testFiles(p));
          if (Files.isDirectory(p)) {
            mine.addAll(RuleFiles.load(p));
          }
        }
        for (Path r : rules) {
          mine.addAll(RuleFiles.load(r));
        }
        mine = RuleFiles.combine(noBuiltin ? List.of() : RuleFiles.builtin(), mine);
      } catch (RuleSetException e) {
        System.err.println("phosor rules test: " + e.getMessage());
        return 2;
      }
      if (testFiles.isEmpty()) {
        System.err.println("phosor rules test: no *.test.yml files in " + paths);
        return 2;
      }
      Map<String, Rule> byId = new LinkedHashMap<>();
      mine.forEach(l -> byId.put(l.rule().id(), l.rule()));
      RuleTestRunner runner = new RuleTestRunner(byId, !noRedact);
      int passed = 0;
      int failed = 0;
      for (Path f : testFiles) {
        List<RuleTestRunner.Case> cases;
        try {
          cases = RuleTestRunner.parseFile(Files.readString(f, StandardCharsets.UTF_8), f.toString());
        } catch (RuleSetException | IOException e) {
          out.println("FAIL " + f + ": " + e.getMessage());
          failed++;
          continue;
        }
        for (RuleTestRunner.Case c : cases) {
          RuleTestRunner.Result r = runner.run(c);
          if (r.passed()) {
            passed++;
            out.println("PASS " + c.origin() + ": " + c.name());
          } else {
            failed++;
            out.println("FAIL " + c.origin() + ": " + c.name());
            r.problems().forEach(p -> out.println("       - " + p));
          }
          if (!r.passed() || verbose) {
            for (Alert a : r.alerts()) {
              try {
                out.println("       got " + json.writeValueAsString(AlertJson.toMap(a)));
              } catch (IOException e) {
                out.println("       got " + a);
              }
            }
          }
        }
      }
      out.println(passed + " passed, " + failed + " failed");
      return failed > 0 ? 1 : 0;
    }
  }
}
