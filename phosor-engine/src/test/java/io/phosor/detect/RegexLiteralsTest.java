package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegexLiteralsTest {
  @Test
  void everyRequiredLiteralRunOfARegexIsExtracted() {
    assertThat(Regexes.requiredLiterals("\\[UFW BLOCK\\] .* DPT=20123 ")).containsExactly("[ufw block] ", " dpt=20123 ");
    assertThat(Regexes.requiredLiterals("Failed password for (invalid user )?[a-z]+7 from 10\\."))
        .containsExactly("failed password for ", "7 from 10.");
    assertThat(Regexes.requiredLiterals("a|b")).isEmpty();
  }

  @Test
  void aRegexMatchesOnlyWhenAllItsLiteralsArePresentAndStillMatchesWhenTheyAre() {
    Engine engine = new Engine(EngineConfig.DEFAULTS, new ManualClock(Instant.parse("2024-11-21T00:00:00Z")));
    engine.setRules(RuleParser.parse("""
        name: ufw to port 20123
        type: pattern
        severity: low
        config:
          match: {field: message, regex: '\\[UFW BLOCK\\] .* DPT=20123 '}
        """, "test"));
    List<Alert> alerts = new ArrayList<>();
    String[] messages = {
        "[UFW BLOCK] IN=eth0 SRC=1.2.3.4 DPT=22 LEN=60",          // first literal only
        "IN=eth0 SRC=1.2.3.4 DPT=20123 LEN=60",                    // second literal only
        "[UFW BLOCK] IN=eth0 SRC=1.2.3.4 DPT=20123 LEN=60",        // both: matches
        "[ufw block] IN=eth0 SRC=1.2.3.4 dpt=20123 LEN=60"};       // both, other case: matches (case-insensitive)
    long seq = 0;
    for (String m : messages) {
      Event e = new Event("test", null, Instant.parse("2024-11-21T00:00:00Z"), m);
      e.put("message", m);
      e.seq(++seq);
      engine.process(e, alerts::add);
    }
    assertThat(alerts).extracting(a -> a.eventIds().get(0)).containsExactly(3L, 4L);
  }
}
