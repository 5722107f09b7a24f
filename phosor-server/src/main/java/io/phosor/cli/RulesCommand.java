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

/** {@code phosor rules validate|test}: check rule files and run rule tests (docs/rule-tests.md). */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Check rule files and run rule tests.",
    subcommands = {RulesCommand.Validate.class, RulesCommand.Test.class})
final class RulesCommand {
  private RulesCommand() {}

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
