package io.phosor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.cli.ReplayCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {
  private static final String BENCH_RULES = Path.of("..", "bench", "rules").toString();

  @TempDir
  Path dir;

  @Test
  void validateSaysOkForEveryGoodRule() {
    Run r = ReplayCommandTest.run("rules", "validate", BENCH_RULES);
    assertThat(r.status()).as(r.out()).isZero();
    assertThat(r.out()).contains(": R1 (pattern, low)").contains(": R2 (threshold, high)")
        .contains(": R3 (correlation, critical)").contains("3 rule(s) ok, 0 bad");
  }

  @Test
  void validateNamesTheBadRuleAndExits2() throws Exception {
    Files.writeString(dir.resolve("good.yml"), "name: Good\ntype: pattern\nseverity: low\nconfig: {match: {field: message, contains: x}}\n");
    Files.writeString(dir.resolve("bad.yml"), "name: Bad regex\ntype: pattern\nseverity: low\nconfig: {match: {field: message, regex: 'a('}}\n");
    Run r = ReplayCommandTest.run("rules", "validate", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out()).contains("ok   " + dir.resolve("good.yml")).contains("FAIL " + dir.resolve("bad.yml"))
        .contains("1 rule(s) ok, 1 bad");
  }

  @Test
  void testRunsTheBenchProbes() {
    Run r = ReplayCommandTest.run("rules", "test", "--no-builtin", BENCH_RULES);
    assertThat(r.status()).as(r.out()).isZero();
    assertThat(r.out()).contains("PASS ").contains("r3_latest").contains(" 0 failed");
  }

  @Test
  void aFailingTestPrintsTheDifferenceAndExits1() throws Exception {
    Files.writeString(dir.resolve("r.yml"), "id: any-x\nname: Any x\ntype: pattern\nseverity: low\nconfig: {match: {field: message, contains: x}}\n");
    Files.writeString(dir.resolve("r.test.yml"), "name: fires twice\nrule: any-x\nlines: |\n  x one\n  y two\nexpect: [{}, {}]\n");
    Run r = ReplayCommandTest.run("rules", "test", "--no-builtin", dir.toString());
    assertThat(r.status()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL " + dir.resolve("r.test.yml") + ": fires twice")
        .contains("expected 2 alert(s), got 1").contains("1 failed");
  }

  private static final String SIGMA = "title: Shellshock\nlogsource:\n  product: linux\ndetection:\n  keywords:\n"
      + "    - '() { :; };'\n  condition: keywords\n---\ntitle: Windows only\nlogsource:\n  product: windows\n"
      + "  category: process_creation\ndetection:\n  s:\n    Image: x\n  condition: s\n";

  @Test
  void importDryRunPrintsOneLinePerRuleAndChangesNothing() throws Exception {
    Path f = dir.resolve("pack.yml");
    Files.writeString(f, SIGMA);
    Path yml = dir.resolve("phosor.yml");
    Files.writeString(yml, "data_dir: " + dir.resolve("data") + "\n");
    Run r = ReplayCommandTest.run("rules", "import", "--dry-run", "--config", yml.toString(), f.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains(f + ": Shellshock: supported")
        .contains(f + "#2: Windows only: unsupported: logsource product=windows category=process_creation")
        .contains("1 supported, 1 unsupported (dry run: nothing imported)");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void importStoresSupportedRulesAndASecondImportChangesNothing() throws Exception {
    Path f = dir.resolve("pack.yml");
    Files.writeString(f, SIGMA);
    Path yml = dir.resolve("phosor.yml");
    Files.writeString(yml, "data_dir: " + dir.resolve("data") + "\n");
    Run r = ReplayCommandTest.run("rules", "import", "--config", yml.toString(), dir.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains(f + ": Shellshock: supported (created)").contains("1 rule(s) imported");
    Run again = ReplayCommandTest.run("rules", "import", "--config", yml.toString(), f.toString());
    assertThat(again.out()).contains(": Shellshock: supported (unchanged)").contains("0 rule(s) imported");
  }

  @Test
  void replayRunsSigmaRules() throws Exception {
    Path rules = dir.resolve("sigma.yml");
    Files.writeString(rules, SIGMA);
    Path log = dir.resolve("web.log");
    Files.writeString(log, "Nov 21 10:00:00 web1 app[1]: User-Agent: () { :; }; /bin/bash -c id\n"
        + "Nov 21 10:00:01 web1 app[1]: all fine\n");
    Run r = ReplayCommandTest.run("replay", "--no-builtin", "--rules", rules.toString(), log.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("Shellshock");
    assertThat(r.out().lines().filter(l -> l.contains("Shellshock")).count()).isEqualTo(1);
  }
}
