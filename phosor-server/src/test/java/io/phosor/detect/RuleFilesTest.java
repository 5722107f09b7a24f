package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFilesTest {
  private static final String RULE = "id: %s\nname: %s\ntype: pattern\nseverity: low\nconfig: {match: {field: message, contains: x}}\n";

  @TempDir
  Path dir;

  @Test
  void aDirectoryIsReadRecursivelyInNameOrderAndRuleTestsAreSkipped() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("b.yml"), RULE.formatted("b", "B"));
    Files.writeString(dir.resolve("sub/a.yaml"), RULE.formatted("a", "A"));
    Files.writeString(dir.resolve("b.test.yml"), "name: t\nrule: b\nexpect: []\n");
    Files.writeString(dir.resolve("notes.txt"), "not a rule");
    assertThat(RuleFiles.load(dir)).extracting(l -> l.rule().id()).containsExactly("b", "a");
  }

  @Test
  void aDuplicateIdNamesBothFiles() throws Exception {
    Files.writeString(dir.resolve("one.yml"), RULE.formatted("same", "One"));
    Files.writeString(dir.resolve("two.yml"), RULE.formatted("same", "Two"));
    assertThatThrownBy(() -> RuleFiles.combine(List.of(), RuleFiles.load(dir)))
        .isInstanceOf(RuleSetException.class)
        .hasMessage(dir.resolve("two.yml") + ": rule \"same\": duplicate id (also in " + dir.resolve("one.yml") + ")");
  }

  @Test
  void aRuleFileReplacesTheBuiltinRuleWithTheSameId() throws Exception {
    List<RuleFiles.Loaded> builtin = RuleFiles.builtin();
    assertThat(builtin).isNotEmpty();
    String id = builtin.get(0).rule().id();
    Files.writeString(dir.resolve("mine.yml"), RULE.formatted(id, "Mine"));
    List<RuleFiles.Loaded> all = RuleFiles.combine(builtin, RuleFiles.load(dir));
    assertThat(all).hasSize(builtin.size());
    assertThat(all).filteredOn(l -> l.rule().id().equals(id)).singleElement()
        .satisfies(l -> assertThat(l.rule().name()).isEqualTo("Mine"));
  }

  @Test
  void aBadRuleIsReportedWithItsFile() throws Exception {
    Files.writeString(dir.resolve("bad.yml"), "name: Bad\ntype: nonsense\nseverity: low\nconfig: {}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir)).isInstanceOf(RuleSetException.class)
        .hasMessageStartingWith(dir.resolve("bad.yml").toString());
  }
}
