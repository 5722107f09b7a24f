package io.phosor.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.detect.Rule;
import io.phosor.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz target (Jazzer) for the Sigma converter ({@link SigmaRules#convert}: detection and
 * correlation rules, several documents per file). In {@code ./mvnw verify} it replays the inputs under
 * {@code src/test/resources/io/phosor/sigma/SigmaRulesFuzzTestInputs/convert/} (docs/fuzzing.md).
 *
 * <p>Properties: text that is not YAML fails with {@link IllegalArgumentException} (the documented error);
 * otherwise every document gets a report that is either a rule or an "unsupported" reason, never both or
 * neither; the converted rules load into one engine together and run over an event without throwing.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class SigmaRulesFuzzTest {
  private static final SigmaMapping MAPPING = SigmaMapping.defaults();

  @FuzzTest(maxDuration = "3m")
  void convert(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    List<SigmaRules.Report> reports;
    try {
      reports = SigmaRules.convert(List.of(new SigmaRules.Source("fuzz.yml", text)), MAPPING);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("fuzz.yml ");
      return;
    }
    assertThat(reports.size()).isLessThanOrEqualTo(text.length());
    List<Rule> rules = new ArrayList<>();
    for (SigmaRules.Report r : reports) {
      assertThat(r.supported() != (r.reason() != null)).as("rule xor reason: %s", r.line()).isTrue();
      assertThat(r.line()).isNotEmpty();
      assertThat(r.kind()).isIn("detection", "correlation", "unknown");
      if (r.supported()) {
        rules.add(r.rule());
      }
    }
    if (rules.isEmpty()) {
      return;
    }
    Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.systemUTC());
    engine.setRules(rules);
    Instant t = Instant.parse("2026-11-21T10:00:00Z");
    Event e = new Event("fuzz", "192.0.2.1", t, "GET /cgi-bin/../../etc/passwd HTTP/1.1");
    e.timestamp(t);
    e.seq(1);
    e.put("message", "Accepted password for root from 203.0.113.7 port 22 ssh2");
    e.put("process.name", "sshd");
    e.put("url.original", "/cgi-bin/../../etc/passwd");
    e.put("http.request.method", "GET");
    e.put("source.ip", "203.0.113.7");
    List<Object> alerts = new ArrayList<>();
    engine.process(e, alerts::add);
    engine.finish(alerts::add);
    assertThat(alerts.size()).isLessThanOrEqualTo(rules.size());
  }
}
