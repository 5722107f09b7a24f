package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz target (Jazzer) for the native rule parser ({@link RuleParser}: JSON and YAML, one
 * rule, a list, or several documents). In {@code ./mvnw verify} it replays the inputs under
 * {@code src/test/resources/io/phosor/detect/RuleParserFuzzTestInputs/rules/} (docs/fuzzing.md).
 *
 * <p>Properties: a text either parses into rules or fails with a {@link RuleException} naming the rule;
 * every rule that parses loads into an engine ("a rule that parses will load") and runs over a few
 * events without throwing; the alerts are bounded by the events.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class RuleParserFuzzTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  @FuzzTest(maxDuration = "3m")
  void rules(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    List<Rule> rules;
    try {
      rules = RuleParser.parse(text, "fuzz.yml");
    } catch (RuleException e) {
      assertThat(e.getMessage()).startsWith("rule \"");
      assertThat(e.rule()).isNotNull();
      return;
    }
    assertThat(rules.size()).isLessThanOrEqualTo(text.length());
    if (rules.isEmpty() || rules.stream().map(Rule::id).distinct().count() < rules.size()) {
      return; // the engine refuses duplicate ids, as a rule set does
    }
    ManualClock clock = new ManualClock(T0);
    Engine engine = new Engine(EngineConfig.DEFAULTS, clock);
    engine.setRules(rules);
    List<Alert> alerts = new ArrayList<>();
    List<Event> events = events();
    for (Event e : events) {
      engine.process(e, alerts::add);
    }
    clock.advance(Duration.ofDays(2));
    engine.advance(alerts::add);
    engine.finish(alerts::add);
    // each event can complete each rule at most once, and absence rules fire once per window at the end
    assertThat(alerts.size()).isLessThanOrEqualTo((events.size() + 1) * rules.size());
  }

  /** A few events that the common fields of rules look at. */
  private static List<Event> events() {
    List<Event> out = new ArrayList<>();
    String[][] kv = {
      {"message", "Failed password for root from 203.0.113.7 port 22 ssh2", "source.ip", "203.0.113.7",
          "user.name", "root", "event.type", "auth_fail", "severity", "high", "port", "22"},
      {"message", "Accepted password for root from 203.0.113.7", "source.ip", "203.0.113.7", "user.name", "root",
          "event.type", "auth_success", "event.outcome", "success", "bytes", "1024"},
      {"message", "GET /admin HTTP/1.1", "source.ip", "2001:db8::1", "http.response.status_code", "500",
          "url.path", "/admin", "host.name", "web1"},
    };
    long seq = 0;
    for (int round = 0; round < 3; round++) {
      for (String[] f : kv) {
        Instant t = T0.plusSeconds(seq * 7);
        Event e = new Event("fuzz", "192.0.2.1", t, f[1]);
        e.timestamp(t);
        e.seq(++seq);
        for (int i = 0; i < f.length; i += 2) {
          e.put(f[i], f[i + 1]);
        }
        out.add(e);
      }
    }
    return out;
  }
}
