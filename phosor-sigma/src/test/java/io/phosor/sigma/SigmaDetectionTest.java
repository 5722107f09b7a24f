package io.phosor.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SigmaDetectionTest {
  private static String rule(String detection) {
    return "title: T\nid: t-1\nlevel: high\ntags: [attack.t1110]\nfalsepositives: [Admins]\ndetection:\n" + detection;
  }

  private static boolean fires(String detection, Object... kv) {
    Harness h = new Harness(rule(detection)).allSupported();
    h.at(0, kv);
    return !h.alerts.isEmpty();
  }

  @Test
  void plainValuesAreCaseInsensitiveEqualsAndListsAreOr() {
    String d = "  sel:\n    user.name: [Root, admin]\n  condition: sel\n";
    assertThat(fires(d, "user.name", "root")).isTrue();
    assertThat(fires(d, "user.name", "ADMIN")).isTrue();
    assertThat(fires(d, "user.name", "rooty")).isFalse();
  }

  @Test
  void mapsAreAndAndFieldNamesAreMapped() {
    String d = "  sel:\n    TargetUserName: bob\n    EventID: 4625\n  condition: sel\n";
    assertThat(fires(d, "user.name", "bob", "event.code", "4625")).isTrue();
    assertThat(fires(d, "user.name", "bob", "event.code", "4624")).isFalse();
  }

  @Test
  void containsStartsEndsAndAll() {
    assertThat(fires("  s:\n    message|contains: needle\n  condition: s\n", "message", "a NEEDLE here")).isTrue();
    assertThat(fires("  s:\n    message|startswith: abc\n  condition: s\n", "message", "abcdef")).isTrue();
    assertThat(fires("  s:\n    message|startswith: abc\n  condition: s\n", "message", "xabc")).isFalse();
    assertThat(fires("  s:\n    message|endswith: .exe\n  condition: s\n", "message", "a.EXE")).isTrue();
    String all = "  s:\n    message|contains|all: [foo, bar]\n  condition: s\n";
    assertThat(fires(all, "message", "foo and bar")).isTrue();
    assertThat(fires(all, "message", "foo only")).isFalse();
  }

  @Test
  void wildcardsAndEscapes() {
    String d = "  s:\n    message: 'wget * - http*'\n  condition: s\n";
    assertThat(fires(d, "message", "wget x - https://e")).isTrue();
    assertThat(fires(d, "message", "curl x - http")).isFalse();
    String q = "  s:\n    message: 'a?c'\n  condition: s\n";
    assertThat(fires(q, "message", "abc")).isTrue();
    assertThat(fires(q, "message", "abbc")).isFalse();
    String esc = "  s:\n    message: 'a\\*c'\n  condition: s\n";
    assertThat(fires(esc, "message", "a*c")).isTrue();
    assertThat(fires(esc, "message", "abc")).isFalse();
    String any = "  s:\n    user.name: '*'\n  condition: s\n";
    assertThat(fires(any, "user.name", "x")).isTrue();
    assertThat(fires(any, "message", "x")).isFalse();
    // \\* is a backslash followed by a wildcard; \* alone would be a literal star
    String path = "  s:\n    message|contains: 'C:\\Windows\\\\*\\cmd.exe'\n  condition: s\n";
    assertThat(fires(path, "message", "run C:\\Windows\\System32\\cmd.exe now")).isTrue();
  }

  @Test
  void regexWithFlagsRunsWithRe2() {
    assertThat(fires("  s:\n    message|re: '^ab+c$'\n  condition: s\n", "message", "abbbc")).isTrue();
    assertThat(fires("  s:\n    message|re: '^ab+c$'\n  condition: s\n", "message", "ABBC")).isFalse();
    assertThat(fires("  s:\n    message|re|i: '^ab+c$'\n  condition: s\n", "message", "ABBC")).isTrue();
    assertThat(fires("  s:\n    message|re|m: '^second$'\n  condition: s\n", "message", "first\nsecond")).isTrue();
    assertThat(fires("  s:\n    message|re|s: 'a.b'\n  condition: s\n", "message", "a\nb")).isTrue();
    Harness bad = new Harness(rule("  s:\n    message|re: '(?<=x)y'\n  condition: s\n"));
    assertThat(bad.reports.get(0).supported()).isFalse();
    assertThat(bad.reports.get(0).reason()).containsIgnoringCase("regex");
  }

  @Test
  void cidrExistsAndNumbers() {
    assertThat(fires("  s:\n    SourceIP|cidr: 10.0.0.0/8\n  condition: s\n", "source.ip", "10.1.2.3")).isTrue();
    assertThat(fires("  s:\n    SourceIP|cidr: 10.0.0.0/8\n  condition: s\n", "source.ip", "11.1.2.3")).isFalse();
    assertThat(fires("  s:\n    user.name|exists: true\n  condition: s\n", "user.name", "x")).isTrue();
    assertThat(fires("  s:\n    user.name|exists: false\n  condition: s\n", "user.name", "x")).isFalse();
    assertThat(fires("  s:\n    user.name: null\n  condition: s\n", "message", "x")).isTrue();
    assertThat(fires("  s:\n    bytes|gt: 100\n  condition: s\n", "bytes", 101)).isTrue();
    assertThat(fires("  s:\n    bytes|lte: 100\n  condition: s\n", "bytes", 101)).isFalse();
    assertThat(fires("  s:\n    bytes|gte: 100\n    count|lt: 5\n  condition: s\n", "bytes", 100, "count", 4)).isTrue();
  }

  @Test
  void base64AndBase64offsetAsSigmaDefinesThem() {
    assertThat(Detection.base64offset("/bin/bash")).containsExactly("L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2");
    assertThat(fires("  s:\n    message|base64: 'whoami'\n  condition: s\n", "message", "d2hvYW1p")).isTrue();
    assertThat(fires("  s:\n    message|base64offset|contains: '/bin/bash'\n  condition: s\n", "message",
        "echo " + java.util.Base64.getEncoder().encodeToString("xx/bin/bash -i".getBytes()))).isTrue();
    assertThat(fires("  s:\n    message|base64offset|contains: '/bin/bash'\n  condition: s\n", "message",
        "echo " + java.util.Base64.getEncoder().encodeToString("xx/bin/zsh -i".getBytes()))).isFalse();
  }

  @Test
  void windashAndCased() {
    String d = "  s:\n    process.command_line|windash|contains: ' -enc '\n  condition: s\n";
    assertThat(fires(d, "process.command_line", "powershell /enc AAA ")).isTrue();
    assertThat(fires(d, "process.command_line", "powershell \u2013enc AAA ")).isTrue();
    assertThat(fires(d, "process.command_line", "powershell \u2014enc AAA ")).isTrue();
    assertThat(fires(d, "process.command_line", "powershell enc AAA ")).isFalse();
    assertThat(fires("  s:\n    message|cased: Foo\n  condition: s\n", "message", "foo")).isFalse();
    assertThat(fires("  s:\n    message|cased: Foo\n  condition: s\n", "message", "Foo")).isTrue();
  }

  @Test
  void keywordsSearchTheMessage() {
    String d = "  keywords:\n    - 'stack smashing detected'\n    - '0bin0sh1'\n  condition: keywords\n";
    assertThat(fires(d, "message", "*** stack smashing detected ***: terminated")).isTrue();
    assertThat(fires(d, "message", "all fine")).isFalse();
    String all = "  keywords:\n    '|all':\n      - pkexec\n      - XAUTHORITY\n  condition: keywords\n";
    assertThat(fires(all, "message", "pkexec: XAUTHORITY bad")).isTrue();
    assertThat(fires(all, "message", "pkexec only")).isFalse();
  }

  @Test
  void conditionExpressions() {
    String d = "  sel_a:\n    a: 1\n  sel_b:\n    b: 1\n  filter:\n    c: 1\n  condition: (1 of sel_*) and not filter\n";
    assertThat(fires(d, "a", "1")).isTrue();
    assertThat(fires(d, "b", "1")).isTrue();
    assertThat(fires(d, "a", "1", "c", "1")).isFalse();
    String all = "  sel_a:\n    a: 1\n  sel_b:\n    b: 1\n  condition: all of sel_*\n";
    assertThat(fires(all, "a", "1")).isFalse();
    assertThat(fires(all, "a", "1", "b", "1")).isTrue();
    String them = "  x:\n    a: 1\n  _y:\n    b: 1\n  condition: all of them\n";
    assertThat(fires(them, "a", "1")).isTrue();
    String prec = "  a:\n    a: 1\n  b:\n    b: 1\n  c:\n    c: 1\n  condition: a or b and c\n";
    assertThat(fires(prec, "a", "1")).isTrue();
    assertThat(fires(prec, "b", "1")).isFalse();
    assertThat(fires(prec, "b", "1", "c", "1")).isTrue();
    String list = "  a:\n    a: 1\n  b:\n    b: 1\n  condition: [a, b]\n";
    assertThat(fires(list, "b", "1")).isTrue();
  }

  @Test
  void aLevelThatIsNotALevelWordIsMediumAndDoesNotStopTheImport() {
    // found by fuzzing (docs/fuzzing.md): "level: hihg" threw a NullPointerException out of convert,
    // failing the whole import
    Harness h = new Harness("title: T\nid: t-1\nlevel: hihg\ndetection:\n  s:\n    a: 1\n  condition: s\n",
        "title: U\nid: u-1\nlevel: low\ndetection:\n  s:\n    a: 1\n  condition: s\n").allSupported();
    assertThat(h.reports.get(0).rule().severity().label()).isEqualTo("medium");
    assertThat(h.reports.get(0).level()).isEqualTo("hihg");
    assertThat(h.reports.get(1).rule().severity().label()).isEqualTo("low");
  }

  @Test
  void metadataIsKept() {
    Harness h = new Harness(rule("  s:\n    a: 1\n  condition: s\n")).allSupported();
    SigmaRules.Report r = h.reports.get(0);
    assertThat(r.rule().id()).isEqualTo("t-1");
    assertThat(r.rule().severity().label()).isEqualTo("high");
    assertThat(r.rule().tags()).containsExactly("attack.t1110");
    assertThat(r.falsepositives()).containsExactly("Admins");
    h.at(0, "a", "1");
    assertThat(h.alerts.get(0).tags()).containsExactly("attack.t1110");
  }

  @Test
  void unsupportedFeaturesAreReportedWithTheReason() {
    List<String[]> cases = List.of(
        new String[] {"  s:\n    a|wide|base64offset|contains: x\n  condition: s\n", "wide"},
        new String[] {"  s:\n    a|fieldref: b\n  condition: s\n", "fieldref"},
        new String[] {"  s:\n    a: 1\n  condition: s | near t\n", "near"},
        new String[] {"  s:\n    a: 1\n  condition: 2 of s\n", "2 of"},
        new String[] {"  s:\n    a: 1\n  condition: nope\n", "no search named"});
    for (String[] c : cases) {
      Harness h = new Harness(rule(c[0]));
      assertThat(h.reports.get(0).supported()).as(c[0]).isFalse();
      assertThat(h.reports.get(0).reason()).as(c[0]).contains(c[1]);
      assertThat(h.reports.get(0).line()).contains(": unsupported: ");
    }
    Harness ls = new Harness("title: W\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n"
        + "  s:\n    Image|endswith: '\\\\cmd.exe'\n  condition: s\n");
    assertThat(ls.reports.get(0).reason()).contains("logsource product=windows category=process_creation");
  }

  @Test
  void legacyCountAggregationBecomesACorrelation() {
    Harness h = new Harness("title: Brute\nlogsource:\n  category: authentication\ndetection:\n  selection:\n"
        + "    action: failure\n  timeframe: 600s\n  condition: selection | count(user) by dst_ip > 2\n").allSupported();
    for (int i = 0; i < 3; i++) {
      h.at(i, "event.category", "authentication", "event.outcome", "failure", "user.name", "u" + i,
          "destination.ip", "10.0.0.1");
    }
    assertThat(h.alerts).hasSize(1);
    assertThat(h.alerts.get(0).groupKey()).containsEntry("destination.ip", "10.0.0.1");
  }
}
