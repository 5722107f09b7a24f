package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.Corpus;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Loghub's real OpenSSH and Linux auth samples: every line parses, and failed passwords are all found. */
class LoghubConformanceTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private final EventParser parser = new EventParser(new ManualClock(NOW));

  private List<String> lines(String file) throws IOException {
    return Files.readAllLines(Corpus.require(file), StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyOpenSshLineParsesAndEveryFailedPasswordIsAnAuthFail() throws IOException {
    String file = "loghub/OpenSSH/OpenSSH_2k.log";
    Conformance c = new Conformance(file);
    Map<String, Integer> types = new TreeMap<>();
    int[] failedPasswordEvents = {0};
    int[] failedPasswordAttempts = {0};
    int failedPasswordLines = 0;
    for (String line : lines(file)) {
      if (line.contains("Failed password")) {
        failedPasswordLines++;
      }
      c.check(line, () -> {
        Event e = parser.parseText("file:OpenSSH_2k.log", null, ZoneOffset.UTC, NOW, line);
        assertThat(e.parseFailed()).as("parse error %s", e.parseError()).isFalse();
        assertThat(e.get(Fields.PARSER)).isEqualTo("rfc3164");
        types.merge(String.valueOf(e.get(Fields.EVENT_TYPE)), 1, Integer::sum);
        if ("ssh_failed_password".equals(e.get(Fields.ACTION))) {
          assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
          assertThat(e.get(Fields.SOURCE_IP)).isNotNull();
          assertThat(e.get(Fields.USER_NAME)).isNotNull();
          failedPasswordEvents[0]++;
          Object repeat = e.get("parsed.repeat_count");
          failedPasswordAttempts[0] += repeat == null ? 1 : (Integer) repeat;
        }
      });
    }
    c.finish();
    System.out.println("[conformance] " + file + ": event types " + types + "; failed-password events "
        + failedPasswordEvents[0] + " (attempts incl. repeats " + failedPasswordAttempts[0] + ")");
    // 518 plain lines (DERIVED_bruteforce_expectations.json) + 2 "message repeated 5 times: [ Failed password"
    assertThat(failedPasswordEvents[0]).isEqualTo(failedPasswordLines).isEqualTo(520);
    assertThat(failedPasswordAttempts[0]).isEqualTo(518 + 2 * 5);
  }

  @Test
  void everyLinuxLineParses() throws IOException {
    String file = "loghub/Linux/Linux_2k.log";
    Conformance c = new Conformance(file);
    Map<String, Integer> types = new TreeMap<>();
    for (String line : lines(file)) {
      c.check(line, () -> {
        Event e = parser.parseText("file:Linux_2k.log", null, ZoneOffset.UTC, NOW, line);
        assertThat(e.parseFailed()).as("parse error %s", e.parseError()).isFalse();
        assertThat(e.get(Fields.PARSER)).isEqualTo("rfc3164");
        types.merge(String.valueOf(e.get(Fields.EVENT_TYPE)), 1, Integer::sum);
      });
    }
    c.finish();
    System.out.println("[conformance] " + file + ": event types " + types);
    assertThat(types.get("auth_fail")).isGreaterThan(400);
  }
}
