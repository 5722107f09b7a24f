package io.phosor.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigmaMappingTest {
  @TempDir
  Path dir;

  private static final String POSTFIX = "title: Postfix relay denied\nlogsource:\n  product: linux\n  service: postfix\n"
      + "detection:\n  s:\n    src: 203.0.113.0/24\n  condition: s\n";

  @Test
  void aUserMappingAddsFieldsAndLogsourcesOnTopOfTheBuiltInOne() throws Exception {
    assertThat(SigmaRules.convert(List.of(new SigmaRules.Source("p.yml", POSTFIX)), SigmaMapping.defaults()).get(0)
        .reason()).contains("service=postfix");
    Path m = dir.resolve("sigma-mapping.yml");
    Files.writeString(m, "fields:\n  src: source.ip\nlogsources:\n  - product: linux\n    service: postfix\n"
        + "    events: {field: process.name, starts_with: postfix/}\n");
    SigmaRules.Report r = SigmaRules.convert(List.of(new SigmaRules.Source("p.yml",
        POSTFIX.replace("src: 203.0.113.0/24", "src|cidr: 203.0.113.0/24"))), SigmaMapping.load(m)).get(0);
    assertThat(r.supported()).as(r.line()).isTrue();
    Engine e = new Engine(EngineConfig.DEFAULTS, Clock.systemUTC());
    e.setRules(List.of(r.rule()));
    List<String> fired = new ArrayList<>();
    e.process(event("postfix/smtpd", "203.0.113.9"), a -> fired.add("postfix"));
    e.process(event("sshd", "203.0.113.9"), a -> fired.add("sshd"));
    e.process(event("postfix/smtpd", "198.51.100.1"), a -> fired.add("other net"));
    assertThat(fired).containsExactly("postfix");
    // the built-in names are still there
    assertThat(SigmaMapping.load(m).field("TargetUserName")).isEqualTo("user.name");
  }

  @Test
  void aBadMappingFileIsRefusedWithItsName() throws Exception {
    Path m = dir.resolve("bad.yml");
    Files.writeString(m, "logsources:\n  - product: x\n    events: {field: a, between: [1, 2]}\n");
    assertThatThrownBy(() -> SigmaMapping.load(m)).hasMessageContaining("bad.yml").hasMessageContaining("no operator");
  }

  @Test
  void generateTrueKeepsTheReferencedRuleAlerting() {
    String base = "title: base\nname: base\ndetection:\n  s:\n    a: 1\n  condition: s\n";
    String corr = "title: corr\ncorrelation:\n  type: event_count\n  rules: [base]\n  timespan: 1m\n  generate: true\n"
        + "  condition:\n    gte: 2\n";
    Harness h = new Harness(base, corr).allSupported();
    assertThat(h.report("base").rule().enabled()).isTrue();
    h.at(0, "a", "1").at(1, "a", "1");
    assertThat(h.fired()).containsExactly("base", "base", "corr");
  }

  private static Event event(String process, String ip) {
    Instant t = Instant.parse("2026-11-21T10:00:00Z");
    Event e = new Event("test", null, t, "");
    e.timestamp(t);
    e.put("process.name", process);
    e.put("source.ip", ip);
    return e;
  }
}
