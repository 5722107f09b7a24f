package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every rule test file of the built-in pack ({@code io/phosor/detect/builtin/tests/*.test.yml} on the
 * classpath) through {@link RuleTestRunner}, one JUnit test per rule test, so CI runs the tests of every
 * built-in rule.
 */
class BuiltinRuleTestsTest {
  private static Map<String, Rule> builtinRules() {
    Map<String, Rule> byId = new LinkedHashMap<>();
    RuleFiles.combine(RuleFiles.builtin(), List.of()).forEach(l -> byId.put(l.rule().id(), l.rule()));
    return byId;
  }

  @TestFactory
  Stream<DynamicTest> everyBuiltinRuleTestPasses() {
    RuleTestRunner runner = new RuleTestRunner(builtinRules(), true);
    List<DynamicTest> tests = new ArrayList<>();
    RuleFiles.builtinTests().forEach((file, text) -> {
      for (RuleTestRunner.Case c : RuleTestRunner.parseFile(text, "builtin/tests/" + file)) {
        tests.add(DynamicTest.dynamicTest(file + ": " + c.name(), () -> {
          RuleTestRunner.Result r = runner.run(c);
          assertThat(r.problems()).as("%s: %s; alerts: %s", c.origin(), c.name(), r.alerts()).isEmpty();
          assertThat(r.passed()).isTrue();
        }));
      }
    });
    return tests.stream();
  }

  @Test
  void theBuiltinPackLoadsAndCompiles() {
    List<RuleFiles.Loaded> loaded = RuleFiles.combine(RuleFiles.builtin(), List.of());
    RuleFiles.compile(loaded);
    assertThat(loaded).allSatisfy(l -> assertThat(l.origin()).startsWith("builtin:"));
  }
}
