package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.Corpus;
import io.phosor.testkit.ManualClock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Wazuh/OSSEC ruleset tests for sshd, su, sudo and PAM: the event type, user and source address Phosor
 * extracts must agree with the Wazuh rule each line is expected to match.
 */
class AuthConformanceTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private final EventParser parser = new EventParser(new ManualClock(NOW));

  /** Wazuh rule id to the event types consistent with it. */
  private static final Map<String, Set<String>> RULE_TYPES = Map.ofEntries(
      Map.entry("5710", Set.of("invalid_user", "auth_fail")), // sshd: non-existent user
      Map.entry("5712", Set.of("invalid_user")), // sshd: brute force of non-existent users (sequence)
      Map.entry("5716", Set.of("auth_fail")), // sshd: authentication failed
      Map.entry("5760", Set.of("auth_fail")), // sshd: authentication error
      Map.entry("5758", Set.of("auth_fail")), // sshd: maximum authentication attempts exceeded
      Map.entry("5763", Set.of("auth_fail")), // sshd: brute force (sequence)
      Map.entry("5718", Set.of("auth_fail")), // sshd: user not allowed (AllowUsers/DenyUsers)
      Map.entry("5719", Set.of("auth_fail")), // sshd: multiple denied users (sequence)
      Map.entry("5715", Set.of("auth_success")),
      Map.entry("5722", Set.of("disconnect")), // sshd: connection closed
      Map.entry("5761", Set.of("disconnect")), // sshd: disconnected
      Map.entry("5762", Set.of("disconnect", "auth_fail")), // connection reset by authenticating user
      // a session opened by su is privileged access in Phosor; Wazuh's 5501 is any PAM session
      Map.entry("5501", Set.of("session_open", "privileged_access")), Map.entry("5502", Set.of("session_close")),
      Map.entry("5503", Set.of("auth_fail")), Map.entry("2502", Set.of("auth_fail")),
      Map.entry("5504", Set.of("invalid_user")),
      Map.entry("5301", Set.of("auth_fail")), Map.entry("5302", Set.of("auth_fail")),
      Map.entry("5305", Set.of("privileged_access")),
      Map.entry("5401", Set.of("auth_fail")), Map.entry("5404", Set.of("auth_fail")),
      Map.entry("5403", Set.of("privileged_access")), Map.entry("5405", Set.of("privilege_denied")));

  /** Files whose rules are about sshd, su, sudo or PAM. */
  private static final Set<String> AUTH_FILES = Set.of("sshd.ini", "su.ini", "sudo.ini", "pam.ini");

  private static final Pattern FROM_IP = Pattern.compile(" from (\\d{1,3}(?:\\.\\d{1,3}){3})\\b");
  private static final Pattern STATUS = Pattern.compile("\" (\\d{3}) ");
  private static final Pattern RHOST = Pattern.compile("rhost=(\\S+)");
  private static final List<Pattern> USER = List.of(
      Pattern.compile("(?:Failed|Accepted) \\S+ for (?:invalid user |illegal user )?(\\S+) from"),
      Pattern.compile("[Ii]nvalid user (\\S+) from"),
      Pattern.compile("for (?:illegal user |invalid user )?(\\S+) from"),
      Pattern.compile("sudo:\\s+(\\S+) : "),
      Pattern.compile("  user=(\\S+)$"));

  @Test
  void wazuhRulesetLinesGiveConsistentEventTypesUsersAndAddresses() {
    run("auth/wazuh/wazuh_ruleset_tests.jsonl");
  }

  @Test
  void wazuhSshdExtraLinesGiveConsistentEventTypesUsersAndAddresses() {
    run("auth/wazuh/wazuh_main_sshd_tests_extra.jsonl");
  }

  private void run(String file) {
    Conformance c = new Conformance(file);
    for (JsonNode row : Corpus.jsonl(file)) {
      String rule = row.get("expect").get("rule_id").asText();
      boolean match = row.get("expect").get("should_match").asBoolean();
      List<String> lines = new ArrayList<>();
      if (row.has("inputs_sequence")) {
        row.get("inputs_sequence").forEach(l -> lines.add(l.asText()));
      } else {
        lines.add(row.get("input").asText());
      }
      Set<String> types = RULE_TYPES.get(rule);
      if ("web-accesslog".equals(row.get("expect").get("decoder").asText())) {
        // Wazuh's web-accesslog decoder lines are Apache combined lines: they must be web accesses
        for (String line : lines) {
          c.check(rule + " " + line, () -> {
            Event e = parse(line);
            assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("web_access");
            assertThat(e.get(Fields.SOURCE_IP)).isEqualTo(line.substring(0, line.indexOf(' ')));
            Matcher st = STATUS.matcher(line);
            assertThat(st.find()).isTrue();
            assertThat(e.get(Fields.HTTP_STATUS)).isEqualTo(Integer.parseInt(st.group(1)));
          });
        }
        continue;
      }
      if (!AUTH_FILES.contains(row.get("file").asText()) && types == null) {
        c.skip("not an sshd/su/sudo/PAM or access-log rule");
        continue;
      }
      if (types == null) {
        c.check(rule + " " + lines.get(0), () -> lines.forEach(l -> assertThat(parse(l).parseFailed()).isFalse()));
        continue;
      }
      if (!match) {
        // the line must not be taken for what the rule describes only where Phosor has no other reading;
        // Wazuh's negative cases are about rule chaining, so only parsing is asserted
        c.check(rule + " (negative) " + lines.get(0), () -> assertThat(parse(lines.get(0)).parseFailed()).isFalse());
        continue;
      }
      for (String line : lines) {
        c.check(rule + " " + line, () -> {
          Event e = parse(line);
          assertThat(e.parseFailed()).as("parse error %s", e.parseError()).isFalse();
          assertThat(types).contains(String.valueOf(e.get(Fields.EVENT_TYPE)));
          Matcher ip = FROM_IP.matcher(line);
          if (ip.find()) {
            assertThat(e.get(Fields.SOURCE_IP)).isEqualTo(ip.group(1));
          } else {
            Matcher rh = RHOST.matcher(line);
            if (rh.find()) {
              assertThat(e.get(Fields.SOURCE_IP) != null ? e.get(Fields.SOURCE_IP) : e.get("source.domain"))
                  .isEqualTo(rh.group(1));
            }
          }
          for (Pattern p : USER) {
            Matcher u = p.matcher(line);
            if (u.find()) {
              Object user = e.get(Fields.USER_NAME);
              Object target = e.get(Fields.USER_TARGET_NAME);
              assertThat(u.group(1)).isIn(user, target);
              break;
            }
          }
        });
      }
    }
    c.finish();
  }

  private Event parse(String line) {
    return parser.parseText("file:/var/log/auth.log", null, ZoneOffset.UTC, NOW, line);
  }
}
